package org.memocache.agent.internal;

import java.util.Map;
import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.ConstantDynamic;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import net.bytebuddy.jar.asm.TypePath;
import net.bytebuddy.utility.OpenedClassReader;
import org.jspecify.annotations.Nullable;

/**
 * Inlines {@link MemoAdvice}'s code into the chosen methods of one class with ASM alone, the code
 * Byte Buddy's {@code Advice} inlines for it: a weave then loads some 30 ASM classes instead of
 * Byte Buddy's advice machinery (some 800 classes to load and verify in a fresh JVM, most of a
 * first weave's start-up cost).
 *
 * <p>Per memoized method, with the advice's locals placed right after the parameters (the body's
 * own locals, and their stack map frames, shifted past them):
 *
 * <pre>
 * call = null; skip = false;
 * try { call = MemoRuntime.enter(Owner.class, "name(desc)", fingerprint, this|null, args);
 *       skip = call != null &amp;&amp; (call.isHit() || call.failure() != null); } catch (Throwable t) {}
 * if (skip) { returned = default; thrown = null; } else try {
 *   body, each return storing returned (thrown = null)
 * } catch (Throwable t) { thrown = t; returned = default; }
 * try { if (call != null) { if (skip) { thrown = call.failure(); if (thrown == null) returned = (T) call.value(); }
 *                          else MemoRuntime.exit(call, returned, thrown); } } catch (Throwable t) {}
 * if (thrown != null) throw thrown; return returned;
 * </pre>
 *
 * <p>The exit code's frames declare the parameters' slots with the parameters' types and an operand
 * stack holding nothing but the returned value: what javac writes, but not every compiler or
 * shrinker. A method whose body stores a different kind of value (or any reference) into a
 * parameter's slot, or returns with more on the stack than the value, is found while it is woven
 * (a running count of the stack's slots, reset by each frame) and its class, like a class file
 * older than Java 6 (no stack map frames, possibly {@code jsr}), is {@linkplain Unsupported left to
 * Byte Buddy}.
 */
final class AsmWeaver {
  private static final String RUNTIME = "org/memocache/MemoRuntime";
  private static final String CALL = "org/memocache/MemoRuntime$Call";
  private static final String THROWABLE = "java/lang/Throwable";

  private AsmWeaver() {}

  /** A class file this weaver does not handle; Byte Buddy weaves it instead. */
  static final class Unsupported extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unsupported(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * The class file with the advice inlined into each method of {@code fingerprints} (keyed by name
   * followed by descriptor, with the fingerprint constant each gets).
   *
   * @throws Unsupported when the class file is of a kind this weaver leaves to Byte Buddy
   */
  static byte[] weave(byte[] classFile, Map<String, Long> fingerprints) {
    ClassReader reader = OpenedClassReader.of(classFile);
    ClassWriter writer = new ClassWriter(reader, 0);
    reader.accept(new ClassVisitor(OpenedClassReader.ASM_API, writer) {
      private String owner = "";

      @Override
      public void visit(int version, int access, String name, @Nullable String signature,
          @Nullable String superName, String @Nullable [] interfaces) {
        if ((version & 0xFFFF) < Opcodes.V1_6) {
          throw new Unsupported("class file version " + (version & 0xFFFF));
        }
        owner = name;
        super.visit(version, access, name, signature, superName, interfaces);
      }

      @Override
      public @Nullable MethodVisitor visitMethod(int access, String name, String descriptor,
          @Nullable String signature, String @Nullable [] exceptions) {
        MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
        Long fingerprint = fingerprints.get(name + descriptor);
        if (fingerprint == null || mv == null || (access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0) {
          return mv;
        }
        return new Advised(mv, owner, access, name, descriptor, fingerprint);
      }
    }, ClassReader.EXPAND_FRAMES);
    return writer.toByteArray();
  }

  /** One memoized method: the enter code before its body, the exit code after it. */
  private static final class Advised extends MethodVisitor {
    private final String owner;
    private final String method;
    private final long fingerprint;
    private final boolean isStatic;
    private final Type[] arguments;
    private final Type returned;
    /** The frame types of the parameters ({@code this} first), one entry per parameter. */
    private final Object[] parameterFrame;
    /** Slots of the parameters: the advice's locals start here, the body's are shifted past them. */
    private final int parameterSlots;
    private final int callSlot;
    private final int skipSlot;
    private final int returnedSlot;
    private final int thrownSlot;
    /** How many slots the advice's locals take. */
    private final int shift;

    private final Label bodyStart = new Label();
    private final Label bodyEnd = new Label();
    private final Label bodyHandler = new Label();
    private final Label exit = new Label();
    private boolean entered;
    private boolean bodyFramePending;
    /** The store opcode of the parameter starting at each slot below {@link #parameterSlots}, else 0. */
    private final int[] parameterStores;
    /** Slots on the body's operand stack before the next instruction; -1 where it is unreachable. */
    private int depth;

    Advised(MethodVisitor mv, String owner, int access, String name, String descriptor, long fingerprint) {
      super(OpenedClassReader.ASM_API, mv);
      this.owner = owner;
      this.method = name + descriptor;
      this.fingerprint = fingerprint;
      this.isStatic = (access & Opcodes.ACC_STATIC) != 0;
      this.arguments = Type.getArgumentTypes(descriptor);
      this.returned = Type.getReturnType(descriptor);
      if (returned.getSort() == Type.VOID) {
        throw new Unsupported("void method " + method); // never chosen: nothing to store
      }
      parameterFrame = new Object[arguments.length + (isStatic ? 0 : 1)];
      int slots = 0;
      int i = 0;
      if (!isStatic) {
        parameterFrame[i++] = owner;
        slots++;
      }
      for (Type t : arguments) {
        parameterFrame[i++] = frameType(t);
        slots += t.getSize();
      }
      parameterSlots = slots;
      parameterStores = new int[slots];
      slots = 0;
      if (!isStatic) {
        parameterStores[slots++] = Opcodes.ASTORE;
      }
      for (Type t : arguments) {
        parameterStores[slots] = t.getOpcode(Opcodes.ISTORE);
        slots += t.getSize();
      }
      callSlot = slots;
      skipSlot = slots + 1;
      returnedSlot = slots + 2;
      thrownSlot = returnedSlot + returned.getSize();
      shift = thrownSlot + 1 - slots;
    }

    // --- the enter code, written when the body's first instruction (or frame) arrives, after the
    // body's exception table, so that the body's own handlers come first in the table.

    private void enter() {
      if (entered) {
        if (bodyFramePending) {
          bodyFramePending = false;
          frame(false, null);
        }
        return;
      }
      entered = true;
      Label enterStart = new Label();
      Label enterEnd = new Label();
      Label enterHandler = new Label();
      Label afterEnter = new Label();
      Label setSkip = new Label();
      MethodVisitor mv = this.mv;
      mv.visitTryCatchBlock(bodyStart, bodyEnd, bodyHandler, THROWABLE);
      mv.visitTryCatchBlock(enterStart, enterEnd, enterHandler, THROWABLE);
      mv.visitInsn(Opcodes.ACONST_NULL);
      mv.visitVarInsn(Opcodes.ASTORE, callSlot);
      mv.visitInsn(Opcodes.ICONST_0);
      mv.visitVarInsn(Opcodes.ISTORE, skipSlot);
      mv.visitLabel(enterStart);
      mv.visitLdcInsn(Type.getObjectType(owner));
      mv.visitLdcInsn(method);
      mv.visitLdcInsn(fingerprint);
      if (isStatic) {
        mv.visitInsn(Opcodes.ACONST_NULL);
      } else {
        mv.visitVarInsn(Opcodes.ALOAD, 0);
      }
      push(arguments.length);
      mv.visitTypeInsn(Opcodes.ANEWARRAY, "java/lang/Object");
      int slot = isStatic ? 0 : 1;
      for (int i = 0; i < arguments.length; i++) {
        mv.visitInsn(Opcodes.DUP);
        push(i);
        mv.visitVarInsn(arguments[i].getOpcode(Opcodes.ILOAD), slot);
        box(arguments[i]);
        mv.visitInsn(Opcodes.AASTORE);
        slot += arguments[i].getSize();
      }
      mv.visitMethodInsn(Opcodes.INVOKESTATIC, RUNTIME, "enter",
          "(Ljava/lang/Class;Ljava/lang/String;JLjava/lang/Object;[Ljava/lang/Object;)L" + CALL + ";", false);
      mv.visitVarInsn(Opcodes.ASTORE, callSlot);
      mv.visitVarInsn(Opcodes.ALOAD, callSlot);
      mv.visitJumpInsn(Opcodes.IFNULL, enterEnd);
      mv.visitVarInsn(Opcodes.ALOAD, callSlot);
      mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, CALL, "isHit", "()Z", false);
      mv.visitJumpInsn(Opcodes.IFNE, setSkip);
      mv.visitVarInsn(Opcodes.ALOAD, callSlot);
      mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, CALL, "failure", "()L" + THROWABLE + ";", false);
      mv.visitJumpInsn(Opcodes.IFNULL, enterEnd);
      mv.visitLabel(setSkip);
      frame(false, null);
      mv.visitInsn(Opcodes.ICONST_1);
      mv.visitVarInsn(Opcodes.ISTORE, skipSlot);
      mv.visitLabel(enterEnd);
      frame(false, null);
      mv.visitJumpInsn(Opcodes.GOTO, afterEnter);
      mv.visitLabel(enterHandler);
      frame(false, THROWABLE);
      mv.visitInsn(Opcodes.POP); // suppressed: a fault in the cache makes the method compute
      mv.visitLabel(afterEnter);
      frame(false, null);
      mv.visitVarInsn(Opcodes.ILOAD, skipSlot);
      mv.visitJumpInsn(Opcodes.IFEQ, bodyStart);
      defaultValue();
      mv.visitVarInsn(returned.getOpcode(Opcodes.ISTORE), returnedSlot);
      mv.visitInsn(Opcodes.ACONST_NULL);
      mv.visitVarInsn(Opcodes.ASTORE, thrownSlot);
      mv.visitJumpInsn(Opcodes.GOTO, exit);
      mv.visitLabel(bodyStart);
      // The body's frame at its first instruction, if it has one, takes the place of this one.
      bodyFramePending = true;
    }

    /** Writes a full frame: parameters, the advice's locals, and {@code stack} (one item or none). */
    private void frame(boolean atExit, @Nullable Object stack) {
      Object[] locals = new Object[parameterFrame.length + 4];
      System.arraycopy(parameterFrame, 0, locals, 0, parameterFrame.length);
      int n = parameterFrame.length;
      locals[n++] = CALL;
      locals[n++] = Opcodes.INTEGER;
      if (atExit) {
        locals[n++] = frameType(returned);
        locals[n++] = THROWABLE;
      }
      mv.visitFrame(Opcodes.F_NEW, n, locals, stack == null ? 0 : 1, stack == null ? null : new Object[] {stack});
    }

    // --- the body: locals shifted, frames extended, returns turned into jumps to the exit code

    @Override
    public void visitFrame(int type, int numLocal, Object @Nullable [] local, int numStack,
        Object @Nullable [] stack) {
      if (!entered) {
        enter();
      }
      bodyFramePending = false;
      if (type != Opcodes.F_NEW) {
        throw new Unsupported("compressed frame in " + method);
      }
      int stackSlots = 0;
      for (int i = 0; i < numStack; i++) {
        stackSlots += stack[i] == Opcodes.LONG || stack[i] == Opcodes.DOUBLE ? 2 : 1;
      }
      if (depth >= 0 && depth != stackSlots) {
        throw new Unsupported("a stack this weaver does not follow in " + method);
      }
      depth = stackSlots;
      Object[] in = local == null ? new Object[0] : local;
      // The entries that cover the parameters' slots (a frame may list fewer: the rest are TOP).
      int entries = 0;
      int slots = 0;
      while (slots < parameterSlots && entries < numLocal) {
        Object t = in[entries++];
        slots += t == Opcodes.LONG || t == Opcodes.DOUBLE ? 2 : 1;
      }
      if (slots > parameterSlots) {
        throw new Unsupported("a wide local straddles the parameters of " + method);
      }
      int padding = parameterSlots - slots;
      int inserted = 2 + returned.getSize() + 1;
      Object[] out = new Object[numLocal + padding + inserted];
      System.arraycopy(in, 0, out, 0, entries);
      int n = entries;
      for (int i = 0; i < padding; i++) {
        out[n++] = Opcodes.TOP;
      }
      out[n++] = CALL;
      out[n++] = Opcodes.INTEGER;
      for (int i = 0; i < returned.getSize() + 1; i++) {
        out[n++] = Opcodes.TOP; // returned and thrown are set only on the way to the exit code
      }
      System.arraycopy(in, entries, out, n, numLocal - entries);
      n += numLocal - entries;
      super.visitFrame(Opcodes.F_NEW, n, out, numStack, stack);
    }

    private int local(int slot) {
      return slot < parameterSlots ? slot : slot + shift;
    }

    @Override
    public void visitVarInsn(int opcode, int varIndex) {
      enter();
      if (opcode == Opcodes.RET) {
        throw new Unsupported("jsr/ret in " + method);
      }
      boolean store = opcode >= Opcodes.ISTORE;
      if (store && varIndex < parameterSlots && (opcode == Opcodes.ASTORE || parameterStores[varIndex] != opcode)) {
        throw new Unsupported("a store into parameter slot " + varIndex + " of " + method);
      }
      int size = opcode == Opcodes.LLOAD || opcode == Opcodes.DLOAD || opcode == Opcodes.LSTORE
          || opcode == Opcodes.DSTORE ? 2 : 1;
      adjust(store ? -size : size);
      super.visitVarInsn(opcode, local(varIndex));
    }

    @Override
    public void visitIincInsn(int varIndex, int increment) {
      enter();
      if (varIndex < parameterSlots && parameterStores[varIndex] != Opcodes.ISTORE) {
        throw new Unsupported("an iinc of parameter slot " + varIndex + " of " + method);
      }
      super.visitIincInsn(local(varIndex), increment);
    }

    @Override
    public void visitLocalVariable(String name, String descriptor, @Nullable String signature, Label start,
        Label end, int index) {
      super.visitLocalVariable(name, descriptor, signature, start, end, local(index));
    }

    @Override
    public @Nullable AnnotationVisitor visitLocalVariableAnnotation(int typeRef,
        @Nullable TypePath typePath, Label[] start, Label[] end, int[] index, String descriptor, boolean visible) {
      int[] shifted = new int[index.length];
      for (int i = 0; i < index.length; i++) {
        shifted[i] = local(index[i]);
      }
      return super.visitLocalVariableAnnotation(typeRef, typePath, start, end, shifted, descriptor, visible);
    }

    @Override
    public void visitInsn(int opcode) {
      enter();
      if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.ARETURN) {
        if (depth != (opcode == Opcodes.LRETURN || opcode == Opcodes.DRETURN ? 2 : 1)) {
          throw new Unsupported("more than the returned value on the stack in " + method);
        }
        depth = -1;
        mv.visitVarInsn(returned.getOpcode(Opcodes.ISTORE), returnedSlot);
        mv.visitInsn(Opcodes.ACONST_NULL);
        mv.visitVarInsn(Opcodes.ASTORE, thrownSlot);
        mv.visitJumpInsn(Opcodes.GOTO, exit);
        return;
      }
      insn(opcode);
      super.visitInsn(opcode);
    }

    @Override
    public void visitIntInsn(int opcode, int operand) {
      enter();
      adjust(opcode == Opcodes.NEWARRAY ? 0 : 1);
      super.visitIntInsn(opcode, operand);
    }

    @Override
    public void visitTypeInsn(int opcode, String type) {
      enter();
      adjust(opcode == Opcodes.NEW ? 1 : 0);
      super.visitTypeInsn(opcode, type);
    }

    @Override
    public void visitFieldInsn(int opcode, String fieldOwner, String name, String descriptor) {
      enter();
      int size = Type.getType(descriptor).getSize();
      adjust(switch (opcode) {
        case Opcodes.GETSTATIC -> size;
        case Opcodes.PUTSTATIC -> -size;
        case Opcodes.GETFIELD -> size - 1;
        default -> -size - 1;
      });
      super.visitFieldInsn(opcode, fieldOwner, name, descriptor);
    }

    @Override
    public void visitMethodInsn(int opcode, String methodOwner, String name, String descriptor,
        boolean isInterface) {
      enter();
      // The arguments' size counts a receiver: a static call takes one slot less.
      int sizes = Type.getArgumentsAndReturnSizes(descriptor);
      adjust((sizes & 3) - (sizes >> 2) + (opcode == Opcodes.INVOKESTATIC ? 1 : 0));
      super.visitMethodInsn(opcode, methodOwner, name, descriptor, isInterface);
    }

    @Override
    public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap,
        Object... arguments) {
      enter();
      int sizes = Type.getArgumentsAndReturnSizes(descriptor);
      adjust((sizes & 3) - (sizes >> 2) + 1);
      super.visitInvokeDynamicInsn(name, descriptor, bootstrap, arguments);
    }

    @Override
    public void visitJumpInsn(int opcode, Label label) {
      enter();
      if (opcode == Opcodes.JSR) {
        throw new Unsupported("jsr/ret in " + method);
      }
      if (opcode == Opcodes.GOTO) {
        depth = -1;
      } else {
        adjust(opcode >= Opcodes.IF_ICMPEQ && opcode <= Opcodes.IF_ACMPNE ? -2 : -1);
      }
      super.visitJumpInsn(opcode, label);
    }

    @Override
    public void visitLabel(Label label) {
      if (!entered) {
        enter();
      }
      super.visitLabel(label);
    }

    @Override
    public void visitLdcInsn(Object value) {
      enter();
      adjust(value instanceof Long || value instanceof Double
          || value instanceof ConstantDynamic c && c.getSize() == 2 ? 2 : 1);
      super.visitLdcInsn(value);
    }

    @Override
    public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
      enter();
      depth = -1;
      super.visitTableSwitchInsn(min, max, dflt, labels);
    }

    @Override
    public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
      enter();
      depth = -1;
      super.visitLookupSwitchInsn(dflt, keys, labels);
    }

    @Override
    public void visitMultiANewArrayInsn(String descriptor, int numDimensions) {
      enter();
      adjust(1 - numDimensions);
      super.visitMultiANewArrayInsn(descriptor, numDimensions);
    }

    // --- the exit code, after the body

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
      if (!entered || bodyFramePending) {
        throw new Unsupported("empty body in " + method);
      }
      MethodVisitor mv = this.mv;
      Label exitEnd = new Label();
      Label exitHandler = new Label();
      Label miss = new Label();
      Label after = new Label();
      Label ret = new Label();
      mv.visitLabel(bodyEnd);
      mv.visitLabel(bodyHandler);
      frame(false, THROWABLE);
      mv.visitVarInsn(Opcodes.ASTORE, thrownSlot);
      defaultValue();
      mv.visitVarInsn(returned.getOpcode(Opcodes.ISTORE), returnedSlot);
      mv.visitLabel(exit);
      frame(true, null);
      Label exitStart = new Label();
      mv.visitTryCatchBlock(exitStart, exitEnd, exitHandler, THROWABLE);
      mv.visitLabel(exitStart);
      mv.visitVarInsn(Opcodes.ALOAD, callSlot);
      mv.visitJumpInsn(Opcodes.IFNULL, exitEnd);
      mv.visitVarInsn(Opcodes.ILOAD, skipSlot);
      mv.visitJumpInsn(Opcodes.IFEQ, miss);
      mv.visitVarInsn(Opcodes.ALOAD, callSlot);
      mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, CALL, "failure", "()L" + THROWABLE + ";", false);
      mv.visitVarInsn(Opcodes.ASTORE, thrownSlot);
      mv.visitVarInsn(Opcodes.ALOAD, thrownSlot);
      mv.visitJumpInsn(Opcodes.IFNONNULL, exitEnd);
      mv.visitVarInsn(Opcodes.ALOAD, callSlot);
      mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, CALL, "value", "()Ljava/lang/Object;", false);
      unbox(returned);
      mv.visitVarInsn(returned.getOpcode(Opcodes.ISTORE), returnedSlot);
      mv.visitJumpInsn(Opcodes.GOTO, exitEnd);
      mv.visitLabel(miss);
      frame(true, null);
      mv.visitVarInsn(Opcodes.ALOAD, callSlot);
      mv.visitVarInsn(returned.getOpcode(Opcodes.ILOAD), returnedSlot);
      box(returned);
      mv.visitVarInsn(Opcodes.ALOAD, thrownSlot);
      mv.visitMethodInsn(Opcodes.INVOKESTATIC, RUNTIME, "exit",
          "(L" + CALL + ";Ljava/lang/Object;L" + THROWABLE + ";)V", false);
      mv.visitLabel(exitEnd);
      frame(true, null);
      mv.visitJumpInsn(Opcodes.GOTO, after);
      mv.visitLabel(exitHandler);
      frame(true, THROWABLE);
      mv.visitInsn(Opcodes.POP); // suppressed: the computed value is returned all the same
      mv.visitLabel(after);
      frame(true, null);
      mv.visitVarInsn(Opcodes.ALOAD, thrownSlot);
      mv.visitJumpInsn(Opcodes.IFNULL, ret);
      mv.visitVarInsn(Opcodes.ALOAD, thrownSlot);
      mv.visitInsn(Opcodes.ATHROW);
      mv.visitLabel(ret);
      frame(true, null);
      mv.visitVarInsn(returned.getOpcode(Opcodes.ILOAD), returnedSlot);
      mv.visitInsn(returned.getOpcode(Opcodes.IRETURN));
      // The enter code's stack: Class, String, long, Object, Object[], and an element being stored.
      super.visitMaxs(Math.max(maxStack, 10), maxLocals + shift);
    }

    // --- the stack's depth

    private void adjust(int slots) {
      if (depth >= 0) {
        depth += slots;
      }
    }

    /** Follows an instruction without operands (not a return). */
    private void insn(int opcode) {
      if (opcode == Opcodes.ATHROW || opcode == Opcodes.RETURN) {
        depth = -1;
        return;
      }
      adjust(insnSlots(opcode));
    }

    private static int insnSlots(int opcode) {
      if (opcode >= Opcodes.IADD && opcode <= Opcodes.DREM) {
        return (opcode - Opcodes.IADD) % 2 == 0 ? -1 : -2; // int and float, long and double
      }
      if (opcode >= Opcodes.INEG && opcode <= Opcodes.DNEG) {
        return 0;
      }
      if (opcode >= Opcodes.ISHL && opcode <= Opcodes.LUSHR) {
        return -1;
      }
      if (opcode >= Opcodes.IAND && opcode <= Opcodes.LXOR) {
        return (opcode - Opcodes.IAND) % 2 == 0 ? -1 : -2;
      }
      return switch (opcode) {
        case Opcodes.NOP, Opcodes.LALOAD, Opcodes.DALOAD, Opcodes.SWAP, Opcodes.I2F, Opcodes.L2D,
            Opcodes.F2I, Opcodes.D2L, Opcodes.I2B, Opcodes.I2C, Opcodes.I2S, Opcodes.ARRAYLENGTH -> 0;
        case Opcodes.ACONST_NULL, Opcodes.ICONST_M1, Opcodes.ICONST_0, Opcodes.ICONST_1, Opcodes.ICONST_2,
            Opcodes.ICONST_3, Opcodes.ICONST_4, Opcodes.ICONST_5, Opcodes.FCONST_0, Opcodes.FCONST_1,
            Opcodes.FCONST_2, Opcodes.DUP, Opcodes.DUP_X1, Opcodes.DUP_X2, Opcodes.I2L, Opcodes.I2D,
            Opcodes.F2L, Opcodes.F2D -> 1;
        case Opcodes.LCONST_0, Opcodes.LCONST_1, Opcodes.DCONST_0, Opcodes.DCONST_1, Opcodes.DUP2,
            Opcodes.DUP2_X1, Opcodes.DUP2_X2 -> 2;
        case Opcodes.IALOAD, Opcodes.FALOAD, Opcodes.AALOAD, Opcodes.BALOAD, Opcodes.CALOAD, Opcodes.SALOAD,
            Opcodes.POP, Opcodes.L2I, Opcodes.L2F, Opcodes.D2I, Opcodes.D2F, Opcodes.FCMPL, Opcodes.FCMPG,
            Opcodes.MONITORENTER, Opcodes.MONITOREXIT -> -1;
        case Opcodes.POP2 -> -2;
        case Opcodes.IASTORE, Opcodes.FASTORE, Opcodes.AASTORE, Opcodes.BASTORE, Opcodes.CASTORE,
            Opcodes.SASTORE, Opcodes.LCMP, Opcodes.DCMPL, Opcodes.DCMPG -> -3;
        case Opcodes.LASTORE, Opcodes.DASTORE -> -4;
        default -> throw new Unsupported("opcode " + opcode + " in a memoized method");
      };
    }

    // --- helpers

    private void push(int value) {
      if (value <= 5) {
        mv.visitInsn(Opcodes.ICONST_0 + value);
      } else if (value <= Byte.MAX_VALUE) {
        mv.visitIntInsn(Opcodes.BIPUSH, value);
      } else {
        mv.visitIntInsn(Opcodes.SIPUSH, value);
      }
    }

    private void defaultValue() {
      switch (returned.getSort()) {
        case Type.LONG -> mv.visitInsn(Opcodes.LCONST_0);
        case Type.FLOAT -> mv.visitInsn(Opcodes.FCONST_0);
        case Type.DOUBLE -> mv.visitInsn(Opcodes.DCONST_0);
        case Type.OBJECT, Type.ARRAY -> mv.visitInsn(Opcodes.ACONST_NULL);
        default -> mv.visitInsn(Opcodes.ICONST_0);
      }
    }

    private void box(Type t) {
      String wrapper = wrapper(t);
      if (wrapper != null) {
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, wrapper, "valueOf", "(" + t.getDescriptor() + ")L" + wrapper + ";",
            false);
      }
    }

    private void unbox(Type t) {
      String wrapper = wrapper(t);
      if (wrapper == null) {
        if (!t.getDescriptor().equals("Ljava/lang/Object;")) {
          mv.visitTypeInsn(Opcodes.CHECKCAST, t.getInternalName());
        }
      } else {
        mv.visitTypeInsn(Opcodes.CHECKCAST, wrapper);
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, wrapper, t.getClassName() + "Value", "()" + t.getDescriptor(),
            false);
      }
    }

    private static @Nullable String wrapper(Type t) {
      return switch (t.getSort()) {
        case Type.BOOLEAN -> "java/lang/Boolean";
        case Type.CHAR -> "java/lang/Character";
        case Type.BYTE -> "java/lang/Byte";
        case Type.SHORT -> "java/lang/Short";
        case Type.INT -> "java/lang/Integer";
        case Type.FLOAT -> "java/lang/Float";
        case Type.LONG -> "java/lang/Long";
        case Type.DOUBLE -> "java/lang/Double";
        default -> null;
      };
    }

    private static Object frameType(Type t) {
      return switch (t.getSort()) {
        case Type.BOOLEAN, Type.CHAR, Type.BYTE, Type.SHORT, Type.INT -> Opcodes.INTEGER;
        case Type.FLOAT -> Opcodes.FLOAT;
        case Type.LONG -> Opcodes.LONG;
        case Type.DOUBLE -> Opcodes.DOUBLE;
        default -> t.getInternalName();
      };
    }
  }
}
