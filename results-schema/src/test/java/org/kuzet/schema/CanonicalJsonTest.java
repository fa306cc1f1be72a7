package org.kuzet.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Vectors from RFC 8785 (sections 3.2.2, 3.2.3 and appendix B). */
class CanonicalJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static String canon(String json) throws Exception {
    return new String(CanonicalJson.encode(JSON.readTree(json)), StandardCharsets.UTF_8);
  }

  @Test
  void rfc8785SectionThreeTwoTwoExample() throws Exception {
    String input = "{\"numbers\": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],"
        + " \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\","
        + " \"literals\": [null, true, false]}";
    assertEquals("{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
        + "\"string\":\"€$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}", canon(input));
  }

  @Test
  void membersAreSortedByUtf16CodeUnits() throws Exception {
    String input = "{\"\\u20ac\": \"Euro Sign\", \"\\r\": \"Carriage Return\", \"\\ufb33\": \"Hebrew Letter Dalet"
        + " With Dagesh\", \"1\": \"One\", \"\\ud83d\\ude00\": \"Emoji: Grinning Face\", \"\\u0080\": \"Control\","
        + " \"\\u00f6\": \"Latin Small Letter O With Diaeresis\"}";
    assertEquals("{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\",\"\u00F6\":\"Latin Small Letter O"
        + " With Diaeresis\",\"\u20AC\":\"Euro Sign\",\"\uD83D\uDE00\":\"Emoji: Grinning Face\",\"\uFB33\":\"Hebrew Letter"
        + " Dalet With Dagesh\"}", canon(input));
  }

  @Test
  void aLoneSurrogateIsRejectedNotReplacedSoTwoDocumentsNeverShareBytes() throws Exception {
    // Before, both encoded to the same bytes ("?" for the lone half), so one signature verified both documents.
    String withQuestionMark = "{\"test_keys\":{\"requests\":[{\"x_title\":\"News ?\"}]}}";
    String withLoneSurrogate = "{\"test_keys\":{\"requests\":[{\"x_title\":\"News \\ud83d\"}]}}";
    assertEquals("{\"test_keys\":{\"requests\":[{\"x_title\":\"News ?\"}]}}", canon(withQuestionMark));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> canon(withLoneSurrogate));
    assertEquals("not well-formed Unicode: a lone surrogate U+D83D at index 5 of the string at"
        + " /test_keys/requests/0/x_title; RFC 8785 has no encoding for it", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> canon("{\"\\udc00\": 1}"), "in a member name too");
    assertThrows(IllegalArgumentException.class, () -> canon("[\"\\ude00\\ud83d\"]"), "halves in the wrong order");
  }

  @Test
  void surrogatePairsAreOneCharacterInUtf8() throws Exception {
    byte[] bytes = CanonicalJson.encode(JSON.readTree("[\"\\ud83d\\ude00\"]"));
    assertEquals("[\"\uD83D\uDE00\"]", new String(bytes, StandardCharsets.UTF_8));
    assertTrue(bytes.length == 8, "brackets, quotes and the 4-byte UTF-8 of U+1F600");
  }

  /** RFC 8785 appendix B: IEEE 754 bit patterns and their canonical text. */
  @ParameterizedTest
  @CsvSource({
      "0000000000000000, 0",
      "8000000000000000, 0",
      "0000000000000001, 5e-324",
      "8000000000000001, -5e-324",
      "7fefffffffffffff, 1.7976931348623157e+308",
      "ffefffffffffffff, -1.7976931348623157e+308",
      "4340000000000000, 9007199254740992",
      "c340000000000000, -9007199254740992",
      "4430000000000000, 295147905179352830000",
      "44b52d02c7e14af5, 9.999999999999997e+22",
      "44b52d02c7e14af6, 1e+23",
      "44b52d02c7e14af7, 1.0000000000000001e+23",
      "444b1ae4d6e2ef4e, 999999999999999700000",
      "444b1ae4d6e2ef4f, 999999999999999900000",
      "444b1ae4d6e2ef50, 1e+21",
      "3eb0c6f7a0b5ed8c, 9.999999999999997e-7",
      "3eb0c6f7a0b5ed8d, 0.000001",
      "41b3de4355555553, 333333333.3333332",
      "41b3de4355555554, 333333333.33333325",
      "41b3de4355555555, 333333333.3333333",
      "41b3de4355555556, 333333333.3333334",
      "41b3de4355555557, 333333333.33333343",
      "becbf647612f3696, -0.0000033333333333333333",
      "43143ff3c1cb0959, 1424953923781206.2",
  })
  void numbersUseEcmaScriptShortestForm(String bits, String expected) {
    double d = Double.longBitsToDouble(Long.parseUnsignedLong(bits, 16));
    assertEquals(expected, CanonicalJson.formatDouble(d));
  }

  @Test
  void integersStayIntegers() throws Exception {
    assertEquals("{\"a\":1,\"b\":1,\"c\":-3}", canon("{\"c\": -3, \"b\": 1.0, \"a\": 1}"));
  }
}
