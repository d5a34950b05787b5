package org.memocache.annotations.internal;

import java.util.Objects;

/**
 * What {@link KeyTypeRules} decided about a type: hashed by a {@linkplain BuiltIn built-in rule},
 * {@linkplain Unhashable never hashable}, a {@linkplain FunctionLike functional interface} (a named
 * implementation can be hashed, a lambda cannot), or {@linkplain Walk walked} field by field at run
 * time.
 */
public sealed interface KeyType
    permits KeyType.BuiltIn, KeyType.Unhashable, KeyType.FunctionLike, KeyType.Walk {

  /**
   * Hashed by a built-in rule.
   *
   * @param rule the rule the key encoder applies
   */
  record BuiltIn(KeyRule rule) implements KeyType {
    public BuiltIn {
      Objects.requireNonNull(rule, "rule");
    }
  }

  /**
   * Can never be part of a key, whatever the value.
   *
   * @param matched the type or supertype that decided it, such as {@code
   *     java.util.stream.BaseStream}
   * @param reason why, with what to do instead, such as {@code "a Stream is consumed when read: pass
   *     a List or an array"}
   */
  record Unhashable(String matched, String reason) implements KeyType {
    public Unhashable {
      Objects.requireNonNull(matched, "matched");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * A declared functional interface ({@code Function}, {@code Runnable}, ...). The value passed at
   * run time is either a named class, which is walked like any other, or a lambda, which the key
   * encoder rejects. The annotation processor turns this into a warning.
   *
   * @param interfaceName the functional interface, such as {@code java.util.function.Function}
   * @param advice what the user should know, such as {@code "a lambda cannot be hashed ..."}
   */
  record FunctionLike(String interfaceName, String advice) implements KeyType {
    public FunctionLike {
      Objects.requireNonNull(interfaceName, "interfaceName");
      Objects.requireNonNull(advice, "advice");
    }
  }

  /** No rule applies: the encoder walks the value's fields, or a registered encoder runs. */
  enum Walk implements KeyType {
    INSTANCE
  }
}
