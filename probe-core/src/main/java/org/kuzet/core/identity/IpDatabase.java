package org.kuzet.core.identity;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.zip.GZIPInputStream;

/**
 * An offline IP → (AS number, AS name, country) table, read with binary search. The table partitions the IPv4 and
 * IPv6 spaces into ranges, each with its AS number (0 when unknown) and country (null when unknown); AS names are
 * a separate table keyed by number. The format is written by {@link IpDatabaseWriter} (see there); the copy
 * shipped with kuzet ({@link #bundled()}) is generated from freely licensed data by {@code tools/refresh-ip-db.sh}
 * and described, with its licence, in {@code SOURCE.md} beside it.
 *
 * <p>Immutable and thread-safe once loaded. It holds a few tens of MB of arrays: callers that look up once per
 * run load it for the lookup and drop it; the helper, which looks up every answer, keeps one.
 */
public final class IpDatabase {
  /** The shipped table, a class-path resource of probe-core. */
  public static final String BUNDLED_RESOURCE = "/org/kuzet/core/identity/ip-asn-country.bin.gz";

  static final byte[] MAGIC = {'K', 'Z', 'I', 'P', 'D', 'B'};
  static final int VERSION = 1;

  /** What the table says about one address. */
  public record Match(long asn, String asName, String countryCode) {
    /** Nothing known: OONI's defaults (AS0, no name, ZZ). */
    public static final Match UNKNOWN = new Match(0, "", null);

    public Match {
      Objects.requireNonNull(asName, "asName");
    }

    /** {@code AS<n>}, {@code AS0} when unknown, as OONI writes probe_asn. */
    public String asnText() {
      return "AS" + asn;
    }

    /** The country, or OONI's {@code ZZ} when unknown. */
    public String countryOrZz() {
      return countryCode == null ? "ZZ" : countryCode;
    }
  }

  private final String source;
  private final int[] v4Start;
  private final int[] v4Asn;
  private final short[] v4Cc;
  private final long[] v6High;
  private final long[] v6Low;
  private final int[] v6Asn;
  private final short[] v6Cc;
  private final int[] asNumbers;
  private final String[] asNames;

  private IpDatabase(String source, int[] v4Start, int[] v4Asn, short[] v4Cc, long[] v6High, long[] v6Low,
      int[] v6Asn, short[] v6Cc, int[] asNumbers, String[] asNames) {
    this.source = source;
    this.v4Start = v4Start;
    this.v4Asn = v4Asn;
    this.v4Cc = v4Cc;
    this.v6High = v6High;
    this.v6Low = v6Low;
    this.v6Asn = v6Asn;
    this.v6Cc = v6Cc;
    this.asNumbers = asNumbers;
    this.asNames = asNames;
  }

  /** Loads the table shipped with kuzet. */
  public static IpDatabase bundled() {
    try (InputStream in = IpDatabase.class.getResourceAsStream(BUNDLED_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("kuzet's IP database " + BUNDLED_RESOURCE + " is missing from the class path"
            + " (a broken build: rebuild, or run tools/refresh-ip-db.sh)");
      }
      return load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read kuzet's IP database " + BUNDLED_RESOURCE + ": " + e.getMessage(), e);
    }
  }

  /** Reads a gzip-compressed table as {@link IpDatabaseWriter} writes it. */
  public static IpDatabase load(InputStream gzipped) throws IOException {
    DataInputStream in = new DataInputStream(new BufferedInputStream(new GZIPInputStream(gzipped, 1 << 16), 1 << 16));
    byte[] magic = new byte[MAGIC.length];
    in.readFully(magic);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new IOException("not a kuzet IP database (bad magic)");
    }
    int version = in.readUnsignedByte();
    if (version != VERSION) {
      throw new IOException("kuzet IP database version " + version + " (this kuzet reads " + VERSION + ")");
    }
    String source = in.readUTF();
    int names = in.readInt();
    int[] asNumbers = new int[names];
    String[] asNames = new String[names];
    for (int i = 0; i < names; i++) {
      asNumbers[i] = in.readInt();
      asNames[i] = in.readUTF();
    }
    int n4 = in.readInt();
    int[] v4Start = ints(in, n4);
    int[] v4Asn = ints(in, n4);
    short[] v4Cc = shorts(in, n4);
    int n6 = in.readInt();
    long[] v6High = longs(in, n6);
    long[] v6Low = longs(in, n6);
    int[] v6Asn = ints(in, n6);
    short[] v6Cc = shorts(in, n6);
    return new IpDatabase(source, v4Start, v4Asn, v4Cc, v6High, v6Low, v6Asn, v6Cc, asNumbers, asNames);
  }

  private static int[] ints(DataInputStream in, int n) throws IOException {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = in.readInt();
    }
    return a;
  }

  private static long[] longs(DataInputStream in, int n) throws IOException {
    long[] a = new long[n];
    for (int i = 0; i < n; i++) {
      a[i] = in.readLong();
    }
    return a;
  }

  private static short[] shorts(DataInputStream in, int n) throws IOException {
    short[] a = new short[n];
    for (int i = 0; i < n; i++) {
      a[i] = in.readShort();
    }
    return a;
  }

  /** Where the data came from (package names and versions), as the writer recorded it. */
  public String source() {
    return source;
  }

  /** Ranges in the table (IPv4 + IPv6), for tools that report its size. */
  public int ranges() {
    return v4Start.length + v6High.length;
  }

  /** What the table knows of {@code address}; {@link Match#UNKNOWN} for an address in no range. */
  public Match lookup(InetAddress address) {
    byte[] b = address.getAddress();
    if (address instanceof Inet4Address) {
      int i = floor(v4Start, ByteBuffer.wrap(b).getInt());
      return i < 0 ? Match.UNKNOWN : match(v4Asn[i], v4Cc[i]);
    }
    ByteBuffer buf = ByteBuffer.wrap(b);
    int i = floor(v6High, v6Low, buf.getLong(), buf.getLong());
    return i < 0 ? Match.UNKNOWN : match(v6Asn[i], v6Cc[i]);
  }

  /** The name of AS {@code asn}, empty when the table has none. */
  public String asName(long asn) {
    int k = Arrays.binarySearch(asNumbers, (int) asn);
    return asn <= 0 || asn > 0xffff_ffffL || k < 0 ? "" : asNames[k];
  }

  private Match match(int asn, short cc) {
    long number = Integer.toUnsignedLong(asn);
    if (number == 0 && cc == 0) {
      return Match.UNKNOWN;
    }
    return new Match(number, asName(number), cc == 0 ? null : new String(new char[] {(char) (cc >>> 8), (char) (cc & 0xff)}));
  }

  /** Index of the last start ≤ key (unsigned), or -1. */
  private static int floor(int[] starts, int key) {
    int lo = 0;
    int hi = starts.length - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (Integer.compareUnsigned(starts[mid], key) <= 0) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  private static int floor(long[] high, long[] low, long keyHigh, long keyLow) {
    int lo = 0;
    int hi = high.length - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = Long.compareUnsigned(high[mid], keyHigh);
      if (c == 0) {
        c = Long.compareUnsigned(low[mid], keyLow);
      }
      if (c <= 0) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }
}
