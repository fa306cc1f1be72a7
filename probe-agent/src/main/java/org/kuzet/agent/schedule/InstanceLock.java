package org.kuzet.agent.schedule;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One {@code kuzet service} per database: an exclusive lock on {@code DB.lock} beside the database, held for the
 * life of the service. The operating system releases it when the process dies, however it dies, so a crash never
 * leaves a stale lock behind. The file holds the holder's process id, for the message the second one prints.
 */
public final class InstanceLock implements AutoCloseable {
  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private InstanceLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /** The lock file of {@code database}: {@code kuzet.db} → {@code kuzet.db.lock}. */
  public static Path lockFile(Path database) {
    return database.resolveSibling(database.getFileName() + ".lock");
  }

  /**
   * Takes the lock of {@code database} or fails at once (never waits).
   *
   * @throws AlreadyRunningException when another service (in this or another process) holds it
   * @throws IOException when the lock file cannot be created (e.g. the directory is not writable)
   */
  public static InstanceLock acquire(Path database) throws IOException {
    Path file = lockFile(database);
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // held by this very JVM
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    if (lock == null) {
      String holder = readHolder(channel);
      channel.close();
      throw new AlreadyRunningException(database, file, holder);
    }
    channel.truncate(0);
    channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
    channel.force(false);
    return new InstanceLock(file, channel, lock);
  }

  /**
   * Whether a service is running on {@code database}, without disturbing it (for {@code kuzet status}): the
   * holder's process id ("?" when it wrote none), or empty when nobody holds the lock.
   */
  public static java.util.Optional<String> heldBy(Path database) throws IOException {
    Path file = lockFile(database);
    if (!Files.exists(file)) {
      return java.util.Optional.empty();
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      FileLock probe;
      try {
        probe = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        probe = null;
      }
      if (probe != null) {
        probe.release();
        return java.util.Optional.empty();
      }
      String pid = readHolder(channel);
      return java.util.Optional.of(pid == null ? "?" : pid);
    }
  }

  public Path file() {
    return file;
  }

  @Override
  public void close() throws IOException {
    try {
      if (lock.isValid()) {
        channel.truncate(0);
        lock.release();
      }
    } finally {
      channel.close();
    }
  }

  private static String readHolder(FileChannel channel) {
    try {
      ByteBuffer buf = ByteBuffer.allocate(32);
      channel.read(buf, 0);
      String pid = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).strip();
      return pid.matches("\\d{1,10}") ? pid : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** Another service already uses this database. The message says which process and what to do. */
  public static final class AlreadyRunningException extends IOException {
    private final String holderPid;
    private final Path lockFile;

    AlreadyRunningException(Path database, Path lockFile, String holderPid) {
      super("another kuzet service" + (holderPid == null ? "" : " (process " + holderPid + ")")
          + " is already running on " + database + " (it holds " + lockFile + "); stop it first (e.g. 'systemctl "
          + "stop kuzet') or give this one its own [store] database");
      this.holderPid = holderPid;
      this.lockFile = lockFile;
    }

    /** The lock file the other service holds. */
    public Path lockFile() {
      return lockFile;
    }

    /** The process id written by the holder, or null when unknown. */
    public String holderPid() {
      return holderPid;
    }
  }
}
