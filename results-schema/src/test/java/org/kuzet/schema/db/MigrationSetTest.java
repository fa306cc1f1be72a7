package org.kuzet.schema.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MigrationSetTest {
  @Test
  void readsAnotherStoresSetFromItsOwnDirectory() {
    MigrationSet set = new MigrationSet(MigrationSetTest.class, "/org/kuzet/schema/db/testset",
        List.of("V1__init.sql", "V2__more.sql"));
    assertEquals(2, set.latestVersion());
    List<MigrationSet.Migration> all = set.all();
    assertEquals(List.of("CREATE TABLE a (x TEXT)"), all.get(0).statements());
    assertEquals(List.of("CREATE INDEX a_x ON a (x)", "ALTER TABLE a ADD COLUMN y TEXT"), all.get(1).statements());
    assertEquals(all.subList(1, 2), set.after(1));
    assertEquals(List.of(), set.after(2));
    MigrationSet relative = new MigrationSet(MigrationSetTest.class, "testset", List.of("V1__init.sql"));
    assertEquals(all.subList(0, 1), relative.all());
  }

  @Test
  void aMissingFileAGapOrABadNameIsRefusedByName() {
    IllegalStateException missing = assertThrows(IllegalStateException.class,
        () -> new MigrationSet(MigrationSetTest.class, "gap", List.of("V1__init.sql", "V2__absent.sql")).all());
    assertTrue(missing.getMessage().contains("gap/V2__absent.sql"), missing.getMessage());
    IllegalStateException gap = assertThrows(IllegalStateException.class,
        () -> new MigrationSet(MigrationSetTest.class, "testset", List.of("V2__more.sql")).all());
    assertTrue(gap.getMessage().contains("out of sequence"), gap.getMessage());
    assertThrows(IllegalStateException.class,
        () -> new MigrationSet(MigrationSetTest.class, "testset", List.of("init.sql")).all());
  }

  @Test
  void theResultsStoresSetIsUnchanged() {
    assertEquals(SchemaMigrations.latestVersion(), SchemaMigrations.RESULTS.latestVersion());
    assertEquals(SchemaMigrations.all().stream().map(SchemaMigrations.Migration::statements).toList(),
        SchemaMigrations.RESULTS.all().stream().map(MigrationSet.Migration::statements).toList());
  }
}
