package org.memocache;

import java.util.function.Function;
import org.memocache.annotations.Memoize;

/**
 * A JVM whose woven methods (compiled without {@code -parameters}) get lambdas as arguments: two
 * warnings name {@code arg0}, the first says how to get real names.
 */
public final class NamesHintChild {
  private NamesHintChild() {}

  @Memoize
  static int first(Function<Integer, Integer> f, int x) {
    return f.apply(x);
  }

  @Memoize
  static int second(Function<Integer, Integer> f, int x) {
    return f.apply(x);
  }

  public static void main(String[] args) {
    MemoRuntime.install(Memo.builder().build());
    Function<Integer, Integer> f = x -> x + 1;
    System.out.println(MemoRuntime.enter(NamesHintChild.class, "first(Ljava/util/function/Function;I)I", 0L, null,
        new Object[] {f, 1}));
    System.out.println(MemoRuntime.enter(NamesHintChild.class, "second(Ljava/util/function/Function;I)I", 0L, null,
        new Object[] {f, 1}));
  }
}
