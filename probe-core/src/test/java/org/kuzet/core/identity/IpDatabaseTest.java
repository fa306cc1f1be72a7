package org.kuzet.core.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class IpDatabaseTest {
  static final String ASN = """
      198.51.100.0,198.51.100.255,9198,JSC Kazakhtelecom
      203.0.113.0,203.0.113.127,29355,"Kcell, JSC"
      203.0.113.64,203.0.113.95,48503,"Tele2 ""Kazakhstan""\"
      2001:db8::,2001:db8:ffff:ffff:ffff:ffff:ffff:ffff,9198,JSC Kazakhtelecom
      255.255.255.0,255.255.255.255,4200000000,Top Of Space
      """;
  static final String COUNTRY = """
      198.51.100.0,198.51.100.127,KZ
      198.51.100.128,198.51.101.255,RU
      203.0.113.0,203.0.113.255,KZ
      2001:db8::,2001:db8:0:ffff:ffff:ffff:ffff:ffff,KZ
      """;

  static IpDatabase db() throws IOException {
    return IpDatabase.load(new ByteArrayInputStream(IpDatabaseWriter.fromCsv(ASN, COUNTRY, "test table")));
  }

  private static IpDatabase.Match at(IpDatabase db, String ip) throws IOException {
    return db.lookup(InetAddress.getByName(ip));
  }

  @Test
  void mapsAddressesToAsNameAndCountryAtRangeEdges() throws IOException {
    IpDatabase db = db();
    assertEquals(new IpDatabase.Match(9198, "JSC Kazakhtelecom", "KZ"), at(db, "198.51.100.0"));
    assertEquals(new IpDatabase.Match(9198, "JSC Kazakhtelecom", "KZ"), at(db, "198.51.100.127"));
    assertEquals(new IpDatabase.Match(9198, "JSC Kazakhtelecom", "RU"), at(db, "198.51.100.128"));
    assertEquals(new IpDatabase.Match(0, "", "RU"), at(db, "198.51.101.1"), "country without AS");
    assertEquals(IpDatabase.Match.UNKNOWN, at(db, "198.51.102.0"));
    assertEquals(IpDatabase.Match.UNKNOWN, at(db, "10.0.0.1"));
    assertEquals(IpDatabase.Match.UNKNOWN, at(db, "0.0.0.0"));
    assertEquals(new IpDatabase.Match(4200000000L, "Top Of Space", null), at(db, "255.255.255.255"),
        "unsigned order and 32-bit AS numbers");
    assertEquals("test table", db.source());
  }

  @Test
  void quotedNamesAndNestedRangesTheMoreSpecificWins() throws IOException {
    IpDatabase db = db();
    assertEquals(new IpDatabase.Match(29355, "Kcell, JSC", "KZ"), at(db, "203.0.113.10"));
    assertEquals(new IpDatabase.Match(48503, "Tele2 \"Kazakhstan\"", "KZ"), at(db, "203.0.113.64"));
    assertEquals(new IpDatabase.Match(29355, "Kcell, JSC", "KZ"), at(db, "203.0.113.96"));
    assertEquals(new IpDatabase.Match(0, "", "KZ"), at(db, "203.0.113.200"));
  }

  @Test
  void ipv6() throws IOException {
    IpDatabase db = db();
    assertEquals(new IpDatabase.Match(9198, "JSC Kazakhtelecom", "KZ"), at(db, "2001:db8::1"));
    assertEquals(new IpDatabase.Match(9198, "JSC Kazakhtelecom", null), at(db, "2001:db8:1::1"));
    assertEquals(IpDatabase.Match.UNKNOWN, at(db, "2001:db9::1"));
    assertEquals(IpDatabase.Match.UNKNOWN, at(db, "::1"));
  }

  @Test
  void asNameByNumber() throws IOException {
    assertEquals("JSC Kazakhtelecom", db().asName(9198));
    assertEquals("", db().asName(1));
  }

  @Test
  void badLinesAreRejectedWithTheirLine() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> IpDatabaseWriter.fromCsv("1.2.3.0,1.2.3.255,9198,x\nexample.kz,1.2.3.4,1,y\n", "", "t"));
    assertTrue(e.getMessage().contains("asn:2"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> IpDatabaseWriter.fromCsv("", "1.2.3.0,1.2.3.255,kz\n", "t"));
  }

  @Test
  void notATableIsRefused() {
    assertThrows(IOException.class, () -> IpDatabase.load(new ByteArrayInputStream(new byte[] {1, 2, 3})));
  }

  /** The shipped table (read from the class path only) loads and names networks everyone knows. */
  @Test
  void bundledTableLoadsAndNamesWellKnownNetworks() throws IOException {
    IpDatabase db = IpDatabase.bundled();
    assertTrue(db.ranges() > 100_000, "ranges: " + db.ranges());
    assertTrue(db.source().contains("@ip-location-db/asn"), db.source());
    IpDatabase.Match google = at(db, "8.8.8.8");
    assertEquals(15169, google.asn());
    assertEquals("US", google.countryCode());
    assertTrue(google.asName().toLowerCase(java.util.Locale.ROOT).contains("google"), google.asName());
    assertEquals(9198, at(db, "95.56.1.1").asn(), "Kazakhtelecom");
    assertEquals("KZ", at(db, "95.56.1.1").countryCode());
  }
}
