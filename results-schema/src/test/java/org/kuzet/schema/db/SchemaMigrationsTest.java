package org.kuzet.schema.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class SchemaMigrationsTest {
  @Test
  void migrationsAreNumberedFromOneWithoutGaps() {
    List<SchemaMigrations.Migration> all = SchemaMigrations.all();
    assertEquals(SchemaMigrations.latestVersion(), all.size());
    for (int i = 0; i < all.size(); i++) {
      assertEquals(i + 1, all.get(i).version());
      assertTrue(all.get(i).statements().size() > 0, all.get(i).fileName());
    }
    assertEquals(all.subList(1, all.size()), SchemaMigrations.after(1));
  }

  @Test
  void everyFileInTheDirectoryIsListed() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("src/main/resources/org/kuzet/schema/db"))) {
      List<String> onDisk = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sql")).sorted()
          .toList();
      assertEquals(onDisk, SchemaMigrations.all().stream().map(SchemaMigrations.Migration::fileName).sorted()
          .toList(), "a migration file that is not in SchemaMigrations would never run");
    }
  }

  @Test
  void splitsStatementsAtLineEndSemicolonsAndDropsComments() {
    assertEquals(List.of("CREATE TABLE a (x TEXT DEFAULT ';')", "CREATE INDEX i\n  ON a (x)"),
        SchemaMigrations.statements("-- a comment; not a statement\nCREATE TABLE a (x TEXT DEFAULT ';');\n\n"
            + "CREATE INDEX i\n  ON a (x);\n"));
    assertThrows(IllegalStateException.class, () -> SchemaMigrations.statements("CREATE TABLE a (x)\n"));
  }
}
