package org.memocache.agent.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import net.bytebuddy.utility.OpenedClassReader;
import org.jspecify.annotations.Nullable;

/**
 * Finds methods that write into an argument (output parameters, such as {@code fill(double[] out)}),
 * which {@code #*} must not memoize: a hit would return the result without filling the caller's
 * array. A linear scan of each method's instructions follows the references loaded from parameter
 * slots (and locals assigned straight from them) along a small model of the operand stack, and
 * reports a parameter that reaches an array store ({@code xASTORE}) as the array, or a
 * {@code PUTFIELD} as the object.
 *
 * <p>Limits: only direct writes are seen. A write through a callee ({@code Arrays.fill(out, 0)},
 * {@code list.add(x)}), through a field of the argument ({@code p.data[i] = x}), or after the
 * argument passed through a conditional expression or a method call is not, and the model is reset
 * at every branch target; the runtime's mutation check still catches those on a second call.
 */
final class OutputParameters {
  private OutputParameters() {}

  /** The class file being woven on this thread, for {@link AgentTransformer}. */
  private static final ThreadLocal<byte @Nullable []> CLASS_FILE = new ThreadLocal<>();

  static void weaving(byte @Nullable [] classFile) {
    if (classFile == null) {
      CLASS_FILE.remove();
    } else {
      CLASS_FILE.set(classFile);
    }
  }

  static byte @Nullable [] classFile() {
    return CLASS_FILE.get();
  }

  /** Types whose instances cannot be written into. */
  private static final Set<String> IMMUTABLE = Set.of("java/lang/String", "java/lang/Integer", "java/lang/Long",
      "java/lang/Double", "java/lang/Float", "java/lang/Short", "java/lang/Byte", "java/lang/Character",
      "java/lang/Boolean", "java/math/BigInteger", "java/math/BigDecimal", "java/lang/Object");

  /**
   * For each method (name + descriptor) that writes into a parameter directly, the 0-based index
   * of the first such parameter.
   */
  static Map<String, Integer> scan(byte[] classFile) {
    Map<String, Integer> found = new HashMap<>();
    OpenedClassReader.of(classFile).accept(new ClassVisitor(OpenedClassReader.ASM_API) {
      @Override
      public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
          String[] exceptions) {
        if ((access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0 || name.startsWith("<")) {
          return null;
        }
        return new Scanner(access, descriptor, index -> found.putIfAbsent(name + descriptor, index));
      }
    }, net.bytebuddy.jar.asm.ClassReader.SKIP_DEBUG | net.bytebuddy.jar.asm.ClassReader.SKIP_FRAMES);
    return found;
  }

  /** Follows one method's parameter references; {@code -1} on the model stack is anything else. */
  private static final class Scanner extends MethodVisitor {
    private final Map<Integer, Integer> paramOfSlot = new HashMap<>();
    private final List<Integer> stack = new ArrayList<>();
    private final java.util.function.IntConsumer written;

    Scanner(int access, String descriptor, java.util.function.IntConsumer written) {
      super(OpenedClassReader.ASM_API);
      this.written = written;
      int slot = (access & Opcodes.ACC_STATIC) != 0 ? 0 : 1;
      Type[] params = Type.getArgumentTypes(descriptor);
      for (int i = 0; i < params.length; i++) {
        Type t = params[i];
        if (t.getSort() == Type.ARRAY || t.getSort() == Type.OBJECT && !IMMUTABLE.contains(t.getInternalName())) {
          paramOfSlot.put(slot, i);
        }
        slot += t.getSize();
      }
    }

    private int pop() {
      return stack.isEmpty() ? -1 : stack.remove(stack.size() - 1);
    }

    private void pop(int n) {
      for (int i = 0; i < n; i++) {
        pop();
      }
    }

    /** The object written into, below a reference value when the model holds one. */
    private void storeUnderReference() {
      int target = stack.size() >= 2 ? stack.remove(stack.size() - 2) : pop();
      pop();
      report(target);
    }

    private void report(int param) {
      if (param >= 0) {
        written.accept(param);
      }
    }

    @Override
    public void visitVarInsn(int opcode, int slot) {
      if (opcode == Opcodes.ALOAD) {
        stack.add(paramOfSlot.getOrDefault(slot, -1));
      } else if (opcode == Opcodes.ASTORE) {
        int from = pop();
        // A local assigned straight from a parameter is that parameter; a reassigned slot is not.
        if (from >= 0) {
          paramOfSlot.put(slot, from);
        } else {
          paramOfSlot.remove(slot);
        }
      }
    }

    @Override
    public void visitInsn(int opcode) {
      switch (opcode) {
        case Opcodes.IASTORE, Opcodes.LASTORE, Opcodes.FASTORE, Opcodes.DASTORE, Opcodes.BASTORE,
            Opcodes.CASTORE, Opcodes.SASTORE -> report(pop());
        case Opcodes.AASTORE -> storeUnderReference();
        case Opcodes.IALOAD, Opcodes.LALOAD, Opcodes.FALOAD, Opcodes.DALOAD, Opcodes.BALOAD, Opcodes.CALOAD,
            Opcodes.SALOAD, Opcodes.AALOAD, Opcodes.ARRAYLENGTH, Opcodes.ARETURN, Opcodes.ATHROW,
            Opcodes.MONITORENTER, Opcodes.MONITOREXIT -> pop();
        // Compound assignment (out[i] += x) duplicates the array and index.
        case Opcodes.DUP, Opcodes.DUP2 -> {
          if (!stack.isEmpty()) {
            stack.add(stack.get(stack.size() - 1));
          }
        }
        case Opcodes.IRETURN, Opcodes.LRETURN, Opcodes.FRETURN, Opcodes.DRETURN, Opcodes.RETURN -> stack.clear();
        default -> { }
      }
    }

    @Override
    public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
      if (opcode == Opcodes.GETFIELD) {
        pop();
      } else if (opcode == Opcodes.PUTFIELD) {
        int sort = Type.getType(descriptor).getSort();
        if (sort == Type.OBJECT || sort == Type.ARRAY) {
          storeUnderReference();
        } else {
          report(pop());
        }
      }
    }

    @Override
    public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
      int refs = opcode == Opcodes.INVOKESTATIC ? 0 : 1;
      for (Type t : Type.getArgumentTypes(descriptor)) {
        if (t.getSort() == Type.OBJECT || t.getSort() == Type.ARRAY) {
          refs++;
        }
      }
      pop(Math.min(refs, stack.size()));
    }

    @Override
    public void visitTypeInsn(int opcode, String type) {
      if (opcode == Opcodes.INSTANCEOF) {
        pop();
      }
    }

    @Override
    public void visitJumpInsn(int opcode, Label label) {
      stack.clear();
    }

    @Override
    public void visitLabel(Label label) {
      stack.clear();
    }
  }
}
