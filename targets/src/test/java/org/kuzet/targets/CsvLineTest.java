package org.kuzet.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CsvLineTest {

  @Test
  void splitsPlainFields() throws Exception {
    assertEquals(List.of("a", "b", "c"), CsvLine.parse("a,b,c"));
  }

  @Test
  void keepsEmptyFieldsIncludingATrailingOne() throws Exception {
    assertEquals(List.of("a", "", "c", ""), CsvLine.parse("a,,c,"));
    assertEquals(List.of(""), CsvLine.parse(""));
    assertEquals(List.of("", ""), CsvLine.parse(","));
  }

  @Test
  void quotedFieldsMayContainCommasAndDoubledQuotes() throws Exception {
    assertEquals(List.of("x", "a, b", "say \"hi\"", ""), CsvLine.parse("x,\"a, b\",\"say \"\"hi\"\"\",\"\""));
  }

  @Test
  void aQuotedFieldOfOnlyAQuote() throws Exception {
    assertEquals(List.of("\"", "z"), CsvLine.parse("\"\"\"\",z"));
  }

  @Test
  void toleratesSpacesAroundQuotedFieldsButKeepsThemInUnquotedOnes() throws Exception {
    assertEquals(List.of("a", "b, c", " d "), CsvLine.parse("a,  \"b, c\"  , d "));
  }

  @Test
  void rejectsAnUnclosedQuote() {
    CsvLine.SyntaxException e = assertThrows(CsvLine.SyntaxException.class, () -> CsvLine.parse("a,\"b,c"));
    assertTrue(e.getMessage().startsWith("malformed CSV: quoted field in column 2 is not closed"), e.getMessage());
  }

  @Test
  void rejectsTextAfterAClosingQuote() {
    CsvLine.SyntaxException e = assertThrows(CsvLine.SyntaxException.class, () -> CsvLine.parse("\"a\"b,c"));
    assertTrue(e.getMessage().contains("unexpected 'b' after the closing quote in column 1"), e.getMessage());
  }

  @Test
  void rejectsAQuoteInsideAnUnquotedField() {
    CsvLine.SyntaxException e = assertThrows(CsvLine.SyntaxException.class, () -> CsvLine.parse("a,b\"c\""));
    assertTrue(e.getMessage().contains("quote inside unquoted column 2"), e.getMessage());
  }

  @Test
  void keepsNonAsciiAndTypographicQuotes() throws Exception {
    assertEquals(List.of("Закон «О связи»", "“On Communications”"),
        CsvLine.parse("Закон «О связи»,“On Communications”"));
  }
}
