package org.kuzet.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.kuzet.core.testing.SharedData;

class TargetSelectorTest {

  private static Target t(String url, String category) {
    return t(url, category, "src");
  }

  private static Target t(String url, String category, String source) {
    return new Target(url, category, "KZ", source, null, "");
  }

  private static List<String> urls(List<Target> targets) {
    return targets.stream().map(Target::url).collect(Collectors.toList());
  }

  private final List<Target> mixed = List.of(
      t("https://n1.kz/", "NEWS", "first"),
      t("https://g1.kz/", "GRP"),
      t("HTTPS://N1.KZ:443/#again", "NEWS", "second"), // same URL as n1 once normalised
      t("https://n2.kz/", "NEWS"),
      t("https://a1.kz/", "ANON"),
      t("https://n3.kz/", "NEWS"));

  @Test
  void withNoOptionsItOnlyDedupesKeepingTheFirst() {
    List<Target> out = TargetSelector.builder().build().select(mixed);
    assertEquals(List.of("https://n1.kz/", "https://g1.kz/", "https://n2.kz/", "https://a1.kz/", "https://n3.kz/"),
        urls(out));
    assertEquals("first", out.get(0).source());
  }

  @Test
  void filtersByCategoryKeepingOrder() {
    List<Target> out = TargetSelector.builder().categories(List.of("news", " ANON ")).build().select(mixed);
    assertEquals(List.of("https://n1.kz/", "https://n2.kz/", "https://a1.kz/", "https://n3.kz/"), urls(out));
  }

  @Test
  void limitAppliesAfterFiltering() {
    List<Target> out = TargetSelector.builder().categories(Set.of("NEWS")).limit(2).build().select(mixed);
    assertEquals(List.of("https://n1.kz/", "https://n2.kz/"), urls(out));
  }

  @Test
  void limitCountsDistinctUrls() {
    // With duplicates still in, a limit of 2 would have taken n1 twice or missed g1.
    assertEquals(List.of("https://n1.kz/", "https://g1.kz/"), urls(TargetSelector.builder().limit(2).build().select(mixed)));
  }

  @Test
  void limitLargerThanTheListKeepsEverything() {
    assertEquals(5, TargetSelector.builder().limit(100).build().select(mixed).size());
  }

  @Test
  void limitMustBePositive() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TargetSelector.builder().limit(0));
    assertEquals("limit must be at least 1, got 0", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TargetSelector.builder().limit(-3));
  }

  @Test
  void unknownCategoryInTheFilterIsAnError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TargetSelector.builder().categories(List.of("NEWS", "FEXP")));
    assertTrue(e.getMessage().startsWith("unknown category code 'FEXP'"), e.getMessage());
    assertTrue(e.getMessage().endsWith("(in the category filter)"), e.getMessage());
  }

  @Test
  void emptyFilterIsAnError() {
    assertThrows(IllegalArgumentException.class, () -> TargetSelector.builder().categories(List.of()));
  }

  @Test
  void shuffleIsDeterministicForASeed() {
    List<Target> many = IntStream.range(0, 30).mapToObj(i -> t("https://s" + i + ".kz/", i % 3 == 0 ? "ANON" : "NEWS"))
        .collect(Collectors.toList());
    List<Target> a = TargetSelector.builder().shuffle(new Random(42)).build().select(many);
    List<Target> b = TargetSelector.builder().shuffle(new Random(42)).build().select(many);
    assertEquals(a, b);
    assertNotEquals(many, a, "a 30-element shuffle with seed 42 should move something");
    assertEquals(Set.copyOf(many), Set.copyOf(a));

    // Exactly Collections.shuffle of the deduped, filtered list with that seed.
    List<Target> expected = new ArrayList<>(many);
    Collections.shuffle(expected, new Random(42));
    assertEquals(expected, a);

    assertNotEquals(a, TargetSelector.builder().shuffle(new Random(43)).build().select(many));
  }

  @Test
  void shuffleHappensAfterFilterAndBeforeLimit() {
    List<Target> many = IntStream.range(0, 30).mapToObj(i -> t("https://s" + i + ".kz/", i % 3 == 0 ? "ANON" : "NEWS"))
        .collect(Collectors.toList());
    List<Target> out = TargetSelector.builder().categories(Set.of("NEWS")).shuffle(new Random(7)).limit(5).build()
        .select(many);

    List<Target> expected = many.stream().filter(x -> x.categoryCode().equals("NEWS")).collect(Collectors.toList());
    Collections.shuffle(expected, new Random(7));
    assertEquals(expected.subList(0, 5), out);
    // The sample is not just the head of the list.
    assertNotEquals(many.stream().filter(x -> x.categoryCode().equals("NEWS")).limit(5).collect(Collectors.toList()), out);
  }

  @Test
  void inputIsNotModifiedAndOutputIsImmutable() {
    List<Target> input = new ArrayList<>(mixed);
    List<Target> out = TargetSelector.builder().shuffle(new Random(1)).build().select(input);
    assertEquals(mixed, input);
    assertThrows(UnsupportedOperationException.class, () -> out.add(mixed.get(0)));
  }

  @Test
  void reportsItsOptions() {
    TargetSelector s = TargetSelector.builder().categories(List.of("news", "ANON")).limit(3).build();
    assertEquals(List.of("ANON", "NEWS"), new ArrayList<>(s.categories().orElseThrow()));
    assertEquals(3, s.limit().getAsInt());
    assertFalse(s.shuffles());
    assertTrue(TargetSelector.builder().build().categories().isEmpty());
    assertTrue(TargetSelector.builder().limit(2).noLimit().build().limit().isEmpty());
  }

  @Test
  void dedupesTheRealCitizenLabList() throws Exception {
    List<Target> kz = TargetListLoader.load(SharedData.citizenLab("kz.csv"), LoadOptions.defaults()).targets();
    List<Target> out = TargetSelector.builder().build().select(kz);
    assertEquals(kz.stream().map(Target::url).distinct().count(), out.size());
    assertTrue(out.size() < kz.size(), "kz.csv names namba.kz twice");
    assertEquals(1, out.stream().filter(x -> x.url().equals("http://namba.kz/")).count());
  }
}
