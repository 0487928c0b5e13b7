package dev.csvimport.engine.check;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NamesTest {

  @ParameterizedTest
  @ValueSource(strings = {"Gender", "Add to cart", "a.b", "x-1", "über", "1st place", "a1"})
  void acceptsOrdinaryNames(String name) {
    assertNull(Names.problem(name));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "", "a,b", "a|b", "a\"b", "a{b", "a\tb", "a\nb", "a\rb", "12", "1.5", "1e5", ".a", "-a"
      })
  void refusesWhatLeanplumRefuses(String name) {
    assertNotNull(Names.problem(name));
  }

  @org.junit.jupiter.api.Test
  void namesMustBeUnder140Characters() {
    assertNull(Names.problem("a".repeat(139)));
    assertNotNull(Names.problem("a".repeat(140)));
  }
}
