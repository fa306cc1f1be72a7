package org.kuzet.agent.store;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Map;

/** Where the results database lives unless {@code --db} says otherwise, per the OS's convention for user data. */
public final class StorePaths {
  public static final String FILE_NAME = "kuzet.db";

  private StorePaths() {}

  /** The default for this process's OS, environment and home directory. */
  public static Path defaultDatabase() {
    return defaultDatabase(System.getProperty("os.name", ""), System.getenv(), Path.of(System.getProperty("user.home")));
  }

  /**
   * Linux and other Unixes: {@code $XDG_DATA_HOME/kuzet/kuzet.db}, else {@code ~/.local/share/kuzet/kuzet.db}
   * (the XDG base directory spec: a relative XDG_DATA_HOME is ignored). macOS: {@code ~/Library/Application
   * Support/kuzet/kuzet.db}. Windows: {@code %LOCALAPPDATA%\kuzet\kuzet.db}, else {@code ~\AppData\Local\kuzet}.
   */
  public static Path defaultDatabase(String osName, Map<String, String> env, Path home) {
    String os = osName.toLowerCase(Locale.ROOT);
    if (os.startsWith("windows")) {
      String local = env.get("LOCALAPPDATA");
      Path base = local != null && !local.isBlank() ? Path.of(local) : home.resolve("AppData").resolve("Local");
      return base.resolve("kuzet").resolve(FILE_NAME);
    }
    if (os.startsWith("mac")) {
      return home.resolve("Library").resolve("Application Support").resolve("kuzet").resolve(FILE_NAME);
    }
    String xdg = env.get("XDG_DATA_HOME");
    Path base = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()
        ? Path.of(xdg) : home.resolve(".local").resolve("share");
    return base.resolve("kuzet").resolve(FILE_NAME);
  }

  /** Creates the missing directories above {@code file}, readable by the owner only (0700) where POSIX. */
  static void createPrivateDirectories(Path dir) throws IOException {
    if (dir == null || Files.isDirectory(dir)) {
      return;
    }
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } else {
      Files.createDirectories(dir);
    }
  }

  /** Creates an empty database file readable by the owner only (0600); SQLite gives its -wal/-shm files the same. */
  static void createPrivateFile(Path file) throws IOException {
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } else {
      Files.createFile(file);
    }
  }
}
