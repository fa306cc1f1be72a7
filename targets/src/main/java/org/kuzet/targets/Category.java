package org.kuzet.targets;

import java.util.Objects;

/**
 * One category of the Citizen Lab test lists.
 *
 * @param code short upper-case code, e.g. {@code NEWS}
 * @param name the name Citizen Lab lists carry in their {@code category_description} column, e.g.
 *     "News Media"
 * @param scope one line saying what belongs in the category
 */
public record Category(String code, String name, String scope) {
  public Category {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(scope, "scope");
    if (!code.matches("[A-Z]{2,8}")) {
      throw new IllegalArgumentException("category code must be 2-8 upper-case letters: '" + code + "'");
    }
    if (name.isBlank()) {
      throw new IllegalArgumentException("category " + code + " has no name");
    }
  }
}
