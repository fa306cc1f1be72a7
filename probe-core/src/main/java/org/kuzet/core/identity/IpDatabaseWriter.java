package org.kuzet.core.identity;

import java.io.BufferedReader;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.io.StringReader;
import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.GZIPOutputStream;

/**
 * Builds an {@link IpDatabase} from CSV range files, as ip-location-db publishes them: AS files with lines
 * {@code first,last,asn,"AS name"} and country files with lines {@code first,last,CC}, where first and last are
 * IP literals bounding an inclusive range (IPv4 and IPv6 may be mixed). Used by {@code tools/refresh-ip-db.sh}
 * for the shipped table and by tests for small tables of their own.
 *
 * <p>Format (inside gzip, big-endian): magic {@code KZIPDB}, version byte, source (modified UTF-8), the AS name
 * table ({@code int n}, then n × {@code int asn, UTF name}, sorted by number), then per family the partition of its
 * address space into ranges with one value each, column by column (which compresses well): IPv4 {@code int n},
 * n starts ({@code int}), n AS numbers ({@code int}, 0 unknown), n countries ({@code short}, two ASCII letters,
 * 0 unknown); IPv6 {@code int n}, n high and n low halves of the starts ({@code long}), n AS numbers, n countries.
 * A range runs up to the next start; the address space before the first start is unknown.
 */
public final class IpDatabaseWriter {
  private static final java.util.regex.Pattern V4_LITERAL =
      java.util.regex.Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final java.util.regex.Pattern V6_LITERAL = java.util.regex.Pattern.compile("[0-9a-fA-F:.]+");
  private static final BigInteger V4_SPACE = BigInteger.ONE.shiftLeft(32);
  private static final BigInteger V6_SPACE = BigInteger.ONE.shiftLeft(128);

  private final List<Range<Long>> asn = new ArrayList<>();
  private final List<Range<String>> country = new ArrayList<>();
  private final Map<Long, String> names = new TreeMap<>();

  private record Range<T>(boolean v4, BigInteger first, BigInteger last, T value) {}

  /** Adds the lines of an AS file ({@code first,last,asn,name}); a bad line is an IllegalArgumentException. */
  public IpDatabaseWriter addAsn(Reader csv, String what) throws IOException {
    forEachLine(csv, what, (fields, where) -> {
      if (fields.size() < 3) {
        throw new IllegalArgumentException(where + ": expected first,last,asn,name");
      }
      long number = Long.parseLong(fields.get(2).trim());
      if (number < 0 || number > 0xffff_ffffL) {
        throw new IllegalArgumentException(where + ": AS number out of range: " + number);
      }
      String name = fields.size() > 3 ? fields.get(3).trim() : "";
      if (!name.isEmpty()) {
        names.putIfAbsent(number, name);
      }
      asn.add(range(fields, where, number));
    });
    return this;
  }

  /** Adds the lines of a country file ({@code first,last,CC}). */
  public IpDatabaseWriter addCountry(Reader csv, String what) throws IOException {
    forEachLine(csv, what, (fields, where) -> {
      if (fields.size() < 3 || !fields.get(2).trim().matches("[A-Z]{2}")) {
        throw new IllegalArgumentException(where + ": expected first,last,CC (two upper-case letters)");
      }
      country.add(range(fields, where, fields.get(2).trim()));
    });
    return this;
  }

  /** A table from CSV text held in memory (tests). */
  public static byte[] fromCsv(String asnCsv, String countryCsv, String source) {
    try {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      new IpDatabaseWriter().addAsn(new StringReader(asnCsv), "asn").addCountry(new StringReader(countryCsv),
          "country").write(out, source);
      return out.toByteArray();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Writes the gzip-compressed table to {@code out} (not closed). */
  public void write(OutputStream out, String source) throws IOException {
    GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16);
    DataOutputStream d = new DataOutputStream(new java.io.BufferedOutputStream(gz, 1 << 16));
    d.write(IpDatabase.MAGIC);
    d.writeByte(IpDatabase.VERSION);
    d.writeUTF(source);
    d.writeInt(names.size());
    // Sorted as the reader's binary search needs: by the int bit pattern, signed.
    List<Map.Entry<Long, String>> sorted = new ArrayList<>(names.entrySet());
    sorted.sort(Comparator.comparingInt(e -> (int) (long) e.getKey()));
    for (Map.Entry<Long, String> e : sorted) {
      d.writeInt((int) (long) e.getKey());
      d.writeUTF(e.getValue());
    }
    writeFamily(d, true);
    writeFamily(d, false);
    d.flush();
    gz.finish();
  }

  private void writeFamily(DataOutputStream d, boolean v4) throws IOException {
    List<Range<Long>> a = family(asn, v4);
    List<Range<String>> c = family(country, v4);
    TreeSet<BigInteger> bounds = new TreeSet<>();
    BigInteger space = v4 ? V4_SPACE : V6_SPACE;
    for (Range<?> r : a) {
      bounds.add(r.first());
      bounds.add(r.last().add(BigInteger.ONE));
    }
    for (Range<?> r : c) {
      bounds.add(r.first());
      bounds.add(r.last().add(BigInteger.ONE));
    }
    bounds.remove(space);
    List<BigInteger> starts = new ArrayList<>();
    List<Integer> asns = new ArrayList<>();
    List<Short> ccs = new ArrayList<>();
    Sweep<Long> as = new Sweep<>(a);
    Sweep<String> cs = new Sweep<>(c);
    for (BigInteger b : bounds) {
      Long number = as.at(b);
      String cc = cs.at(b);
      int asBits = number == null ? 0 : (int) (long) number;
      short ccBits = cc == null ? 0 : (short) (cc.charAt(0) << 8 | cc.charAt(1));
      if (!asns.isEmpty() && asns.get(asns.size() - 1) == asBits && ccs.get(ccs.size() - 1) == ccBits) {
        continue; // same value as the range before: one range
      }
      if (asns.isEmpty() && asBits == 0 && ccBits == 0) {
        continue; // leading unknown space is implicit
      }
      starts.add(b);
      asns.add(asBits);
      ccs.add(ccBits);
    }
    d.writeInt(starts.size());
    if (v4) {
      for (BigInteger s : starts) {
        d.writeInt(s.intValue());
      }
    } else {
      for (BigInteger s : starts) {
        d.writeLong(s.shiftRight(64).longValue());
      }
      for (BigInteger s : starts) {
        d.writeLong(s.longValue());
      }
    }
    for (int x : asns) {
      d.writeInt(x);
    }
    for (short x : ccs) {
      d.writeShort(x);
    }
  }

  private static <T> List<Range<T>> family(List<Range<T>> all, boolean v4) {
    List<Range<T>> out = new ArrayList<>();
    for (Range<T> r : all) {
      if (r.v4() == v4) {
        out.add(r);
      }
    }
    out.sort(Comparator.comparing(Range::first));
    return out;
  }

  /**
   * The value of ranges sorted by start at increasing points. Where ranges overlap (the published data has a few,
   * e.g. a /8 announced whole and in parts), the one that starts last, the more specific one, wins.
   */
  private static final class Sweep<T> {
    private final List<Range<T>> ranges;
    private final java.util.PriorityQueue<Range<T>> open =
        new java.util.PriorityQueue<>(Comparator.comparing((Range<T> r) -> r.first()).reversed());
    private int next;

    Sweep(List<Range<T>> ranges) {
      this.ranges = ranges;
    }

    T at(BigInteger point) {
      while (next < ranges.size() && ranges.get(next).first().compareTo(point) <= 0) {
        open.add(ranges.get(next++));
      }
      while (!open.isEmpty() && open.peek().last().compareTo(point) < 0) {
        open.poll(); // ended before this point, so before every later one
      }
      return open.isEmpty() ? null : open.peek().value();
    }
  }

  private static <T> Range<T> range(List<String> fields, String where, T value) {
    InetAddress first;
    InetAddress last;
    try {
      first = literal(fields.get(0).trim());
      last = literal(fields.get(1).trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
    boolean v4 = first instanceof Inet4Address;
    if (v4 != last instanceof Inet4Address) {
      throw new IllegalArgumentException(where + ": the range mixes IPv4 and IPv6");
    }
    BigInteger f = new BigInteger(1, first.getAddress());
    BigInteger l = new BigInteger(1, last.getAddress());
    if (l.compareTo(f) < 0) {
      throw new IllegalArgumentException(where + ": the range ends before it starts");
    }
    return new Range<>(v4, f, l, value);
  }

  /**
   * An IP literal. Checked to be one before InetAddress parses it, so a name in the data can never cause a DNS
   * lookup (and the refresh script needs nothing on the class path but probe-core's classes).
   */
  private static InetAddress literal(String text) {
    // With a colon, InetAddress reads IPv6 literals only; without, only a dotted quad is let through.
    if (!(text.indexOf(':') >= 0 ? V6_LITERAL : V4_LITERAL).matcher(text).matches()) {
      throw new IllegalArgumentException("not an IP address: " + text);
    }
    try {
      return InetAddress.getByName(text);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address: " + text, e);
    }
  }

  private interface LineHandler {
    void line(List<String> fields, String where);
  }

  private static void forEachLine(Reader csv, String what, LineHandler handler) throws IOException {
    BufferedReader r = new BufferedReader(csv, 1 << 16);
    String line;
    int n = 0;
    while ((line = r.readLine()) != null) {
      n++;
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      try {
        handler.line(fields(line), what + ":" + n);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(what + ":" + n + ": " + e.getMessage(), e);
      }
    }
  }

  /** One CSV line: comma-separated, fields optionally in double quotes with "" for a quote. */
  static List<String> fields(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char ch = line.charAt(i);
      if (quoted) {
        if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cur.append('"');
          i++;
        } else if (ch == '"') {
          quoted = false;
        } else {
          cur.append(ch);
        }
      } else if (ch == '"') {
        quoted = true;
      } else if (ch == ',') {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(ch);
      }
    }
    out.add(cur.toString());
    return out;
  }

  /**
   * {@code IpDatabaseWriter OUT.gz SOURCE --asn FILE... --country FILE...}: writes the table (the refresh script's
   * entry point).
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 4) {
      System.err.println("usage: IpDatabaseWriter OUT.gz SOURCE --asn CSV... --country CSV...");
      System.exit(2);
    }
    IpDatabaseWriter w = new IpDatabaseWriter();
    String mode = null;
    for (int i = 2; i < args.length; i++) {
      if (args[i].startsWith("--")) {
        mode = args[i];
        continue;
      }
      try (Reader in = Files.newBufferedReader(Path.of(args[i]), StandardCharsets.UTF_8)) {
        if ("--asn".equals(mode)) {
          w.addAsn(in, args[i]);
        } else if ("--country".equals(mode)) {
          w.addCountry(in, args[i]);
        } else {
          throw new IllegalArgumentException("say --asn or --country before " + args[i]);
        }
      }
    }
    try (OutputStream out = Files.newOutputStream(Path.of(args[0]))) {
      w.write(out, args[1]);
    }
    try (java.io.InputStream in = Files.newInputStream(Path.of(args[0]))) {
      IpDatabase db = IpDatabase.load(in);
      System.out.println("wrote " + args[0] + ": " + db.ranges() + " ranges, " + Files.size(Path.of(args[0]))
          + " bytes");
    }
  }
}
