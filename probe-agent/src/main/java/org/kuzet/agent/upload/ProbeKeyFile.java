package org.kuzet.agent.upload;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import org.kuzet.schema.upload.ProbeKey;

/**
 * The probe's signing key on disk: one line, the base64 of the 32-byte Ed25519 seed, in a file only the owner can
 * read (0600). Created on first use; never overwritten, because a new key would make the probe a different probe
 * to the collector.
 */
public final class ProbeKeyFile {
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private ProbeKeyFile() {}

  /** The default key file beside the database: {@code probe-key} in the same directory. */
  public static Path besideDatabase(Path db) {
    Path dir = db.toAbsolutePath().getParent();
    return dir.resolve("probe-key");
  }

  /**
   * Loads the key at {@code file}, creating it (and its directory) if it does not exist yet.
   *
   * @throws IOException when the file cannot be read or written, or does not hold a key (the message names the
   *     file; the file is left as it is)
   */
  public static ProbeKey loadOrCreate(Path file) throws IOException {
    if (Files.exists(file)) {
      return load(file);
    }
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    ProbeKey key = ProbeKey.generate(new SecureRandom());
    Path tmp = Files.createTempFile(dir, ".probe-key", ".tmp");
    try {
      restrict(tmp);
      Files.writeString(tmp, Base64.getEncoder().encodeToString(key.seed()) + "\n", StandardCharsets.US_ASCII);
      try {
        // No REPLACE_EXISTING: if another process created the key meanwhile, keep theirs.
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file);
      }
    } catch (FileAlreadyExistsException e) {
      return load(file);
    } finally {
      Files.deleteIfExists(tmp);
    }
    // On some file systems ATOMIC_MOVE replaces silently; re-read so every caller gets what is on disk.
    return load(file);
  }

  static ProbeKey load(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
    byte[] seed;
    try {
      seed = Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new IOException(file + " is not a kuzet probe key (expected one line of base64); move it away to"
          + " create a new key, which makes this probe a new probe to the collector");
    }
    if (seed.length != ProbeKey.KEY_BYTES) {
      throw new IOException(file + " is not a kuzet probe key (" + seed.length + " bytes, expected "
          + ProbeKey.KEY_BYTES + ")");
    }
    if (isPosix(file) && !OWNER_ONLY.containsAll(Files.getPosixFilePermissions(file))) {
      restrict(file); // someone loosened it: tighten rather than refuse, the key is still ours
    }
    return ProbeKey.fromSeed(seed);
  }

  private static void restrict(Path file) throws IOException {
    if (isPosix(file)) {
      Files.setPosixFilePermissions(file, OWNER_ONLY);
    }
  }

  private static boolean isPosix(Path file) {
    return file.getFileSystem().supportedFileAttributeViews().contains("posix");
  }
}
