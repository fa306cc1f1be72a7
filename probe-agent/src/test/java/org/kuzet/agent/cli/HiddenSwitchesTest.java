package org.kuzet.agent.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine;

/** The test-only switches stay out of {@code --help} and are documented for testers in one place, docs/TESTING.md. */
class HiddenSwitchesTest {
  private static Path testingDoc() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path doc = dir.resolve("docs/TESTING.md");
      if (Files.isRegularFile(doc)) {
        return doc;
      }
    }
    throw new AssertionError("docs/TESTING.md not found above " + Path.of("").toAbsolutePath());
  }

  @Test
  void everyHiddenSwitchIsDocumentedInTestingMdAndAbsentFromHelp() throws Exception {
    String doc = Files.readString(testingDoc());
    List<String> hidden = new ArrayList<>();
    for (CommandLine command : new CommandLine(new KuzetCommand()).getSubcommands().values()) {
      String help = command.getUsageMessage(CommandLine.Help.Ansi.OFF);
      for (OptionSpec option : command.getCommandSpec().options()) {
        if (option.hidden()) {
          String name = option.longestName();
          hidden.add(command.getCommandName() + " " + name);
          assertTrue(doc.contains("`" + name), name + " (kuzet " + command.getCommandName() + ") is documented in "
              + "docs/TESTING.md");
          assertFalse(help.contains(name), name + " stays out of 'kuzet " + command.getCommandName() + " --help'");
        }
      }
    }
    for (String expected : List.of("run --skip-connectivity-check", "run --connectivity-anchor",
        "run --treat-as-public", "measure --treat-as-public", "analyze --treat-as-public")) {
      assertTrue(hidden.contains(expected), expected + " is still a hidden switch: " + hidden);
    }
  }
}
