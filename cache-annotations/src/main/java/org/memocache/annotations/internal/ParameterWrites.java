package org.memocache.annotations.internal;

import com.sun.source.tree.ArrayAccessTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreeScanner;
import com.sun.source.util.Trees;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.VariableElement;
import org.jspecify.annotations.Nullable;

/**
 * Finds writes into a method's parameters that can be seen in its source: an element or field
 * store through the parameter ({@code out[i] = x}, {@code p.x += 1}, {@code out[i]++}), or the
 * parameter as the target of {@code System.arraycopy} or of an {@code Arrays} method that fills or
 * sorts in place. A memoized method that writes into a parameter returns part of its result there,
 * and a cache hit would skip that write.
 *
 * <p>Annotation processing runs before javac attributes method bodies, so names are matched, not
 * symbols: a parameter whose name is also declared inside the body (a local, a lambda parameter)
 * is not judged, to stay free of false alarms. Writes through a copy of the reference ({@code
 * double[] o = out; o[0] = 1}), through called methods ({@code list.add(x)}, {@code m.set(...)}) or
 * reflection are not seen here; the run-time check (the arguments are hashed again after a miss)
 * catches those. Needs javac's tree API: under another compiler nothing is reported.
 */
final class ParameterWrites {

  /** {@code Arrays} methods that change their first argument. */
  private static final Set<String> ARRAYS_IN_PLACE =
      Set.of("fill", "sort", "parallelSort", "setAll", "parallelSetAll", "parallelPrefix");

  private final Trees trees;

  private ParameterWrites(Trees trees) {
    this.trees = trees;
  }

  /** The finder, or {@code null} when the compiler has no tree API. */
  static @Nullable ParameterWrites of(ProcessingEnvironment env) {
    try {
      return new ParameterWrites(Trees.instance(env));
    } catch (IllegalArgumentException | LinkageError e) {
      return null;
    }
  }

  /** The first visible write into each parameter that has one, with the code that writes. */
  Map<VariableElement, String> find(ExecutableElement method) {
    MethodTree tree = trees.getTree(method);
    if (tree == null || tree.getBody() == null || method.getParameters().isEmpty()) {
      return Map.of();
    }
    Map<String, VariableElement> byName = new LinkedHashMap<>();
    for (VariableElement p : method.getParameters()) {
      byName.put(p.getSimpleName().toString(), p);
    }
    Set<String> redeclared = new HashSet<>();
    Map<String, String> writes = new LinkedHashMap<>();
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitVariable(VariableTree node, Void unused) {
        redeclared.add(node.getName().toString());
        return super.visitVariable(node, unused);
      }

      @Override
      public Void visitAssignment(AssignmentTree node, Void unused) {
        stored(node.getVariable(), node);
        return super.visitAssignment(node, unused);
      }

      @Override
      public Void visitCompoundAssignment(CompoundAssignmentTree node, Void unused) {
        stored(node.getVariable(), node);
        return super.visitCompoundAssignment(node, unused);
      }

      @Override
      public Void visitUnary(UnaryTree node, Void unused) {
        switch (node.getKind()) {
          case PREFIX_INCREMENT, PREFIX_DECREMENT, POSTFIX_INCREMENT, POSTFIX_DECREMENT ->
              stored(node.getExpression(), node);
          default -> { }
        }
        return super.visitUnary(node, unused);
      }

      @Override
      public Void visitMethodInvocation(MethodInvocationTree node, Void unused) {
        if (node.getMethodSelect() instanceof MemberSelectTree select) {
          String owner = select.getExpression().toString();
          String name = select.getIdentifier().toString();
          List<? extends ExpressionTree> args = node.getArguments();
          if ((owner.equals("System") || owner.equals("java.lang.System")) && name.equals("arraycopy")
              && args.size() == 5) {
            passed(args.get(2), node);
          } else if ((owner.equals("Arrays") || owner.equals("java.util.Arrays"))
              && ARRAYS_IN_PLACE.contains(name) && !args.isEmpty()) {
            passed(args.get(0), node);
          }
        }
        return super.visitMethodInvocation(node, unused);
      }

      /** A store into {@code target}: counts when it goes through an element or field of a parameter. */
      private void stored(ExpressionTree target, Tree write) {
        ExpressionTree t = unwrap(target);
        if (!(t instanceof ArrayAccessTree) && !(t instanceof MemberSelectTree)) {
          return; // assigning the parameter variable itself changes nothing the caller sees
        }
        while (true) {
          t = unwrap(t);
          if (t instanceof ArrayAccessTree a) {
            t = a.getExpression();
          } else if (t instanceof MemberSelectTree m) {
            t = m.getExpression();
          } else {
            break;
          }
        }
        record(t, write);
      }

      /** A parameter handed to a method that writes into it. */
      private void passed(ExpressionTree arg, Tree call) {
        record(unwrap(arg), call);
      }

      private void record(ExpressionTree root, Tree write) {
        if (root instanceof IdentifierTree id && byName.containsKey(id.getName().toString())) {
          writes.putIfAbsent(id.getName().toString(), shorten(write.toString()));
        }
      }
    }.scan(tree.getBody(), null);

    Map<VariableElement, String> out = new LinkedHashMap<>();
    writes.forEach((name, code) -> {
      if (!redeclared.contains(name)) {
        out.put(byName.get(name), code);
      }
    });
    return out;
  }

  private static ExpressionTree unwrap(ExpressionTree t) {
    while (t instanceof ParenthesizedTree p) {
      t = p.getExpression();
    }
    return t;
  }

  private static String shorten(String code) {
    String oneLine = code.replaceAll("\\s+", " ").trim();
    return oneLine.length() <= 60 ? oneLine : oneLine.substring(0, 57) + "...";
  }
}
