package org.memocache.agent.internal;

import com.dynatrace.hash4j.hashing.HashStream64;
import com.dynatrace.hash4j.hashing.Hashing;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ConstantDynamic;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import net.bytebuddy.utility.OpenedClassReader;

/**
 * Fingerprints of the methods of one class file: a 64-bit XXH3 hash of each method's instructions,
 * so that editing a method's body makes its old cached results unreachable (like joblib's source
 * check).
 *
 * <p>The hash covers what the code does, not how the file happens to be laid out: opcodes and their
 * resolved operands (names, descriptors, constants), with branch targets numbered in order of
 * appearance. Debug information (line numbers, local variable names), stack map frames and constant
 * pool order are left out, so moving a method in its file, editing a comment, recompiling with
 * {@code -g:none}, or the JVM's reconstitution of a class file for retransformation does not change
 * the fingerprint; the build plugin and the agent therefore compute the same value for the same
 * method. The bodies of lambdas written in the method (synthetic methods of the same class) are
 * folded in, because editing a lambda changes what the method computes. Methods the method calls are
 * not: bump {@code @Memoize(version)} when a helper's change alters results.
 */
public final class MethodFingerprints {
  private MethodFingerprints() {}

  /**
   * The fingerprints of every method with code in {@code classFile}, keyed by name followed by JVM
   * descriptor ({@code "fit(IJ)[D"}); never 0.
   */
  public static Map<String, Long> of(byte[] classFile) {
    ClassReader reader = OpenedClassReader.of(classFile);
    String owner = reader.getClassName();
    Map<String, Recorder> methods = new HashMap<>();
    reader.accept(new ClassVisitor(OpenedClassReader.ASM_API) {
      @Override
      public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
          String[] exceptions) {
        Recorder r = new Recorder(owner, (access & Opcodes.ACC_SYNTHETIC) != 0);
        methods.put(name + descriptor, r);
        return r;
      }
    }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
    Map<String, Long> result = new HashMap<>();
    for (String m : methods.keySet()) {
      long fp = fold(m, methods, new HashSet<>());
      result.put(m, fp == 0 ? 1 : fp);
    }
    return result;
  }

  private static long fold(String method, Map<String, Recorder> methods, Set<String> onPath) {
    Recorder r = methods.get(method);
    if (r.lambdaBodies.isEmpty()) {
      return r.local;
    }
    onPath.add(method);
    HashStream64 h = Hashing.xxh3_64().hashStream().putLong(r.local);
    for (String body : r.lambdaBodies) {
      Recorder target = methods.get(body);
      boolean folded = target != null && target.synthetic && !onPath.contains(body);
      h.putLong(folded ? fold(body, methods, onPath) : 0L);
    }
    onPath.remove(method);
    return h.getAsLong();
  }

  /** Hashes one method's instruction stream as it is visited. */
  private static final class Recorder extends MethodVisitor {
    private final String owner;
    private final boolean synthetic;
    private final HashStream64 h = Hashing.xxh3_64().hashStream();
    private final IdentityHashMap<Label, Integer> labels = new IdentityHashMap<>();
    private final List<String> lambdaBodies = new ArrayList<>();
    private long local;

    Recorder(String owner, boolean synthetic) {
      super(OpenedClassReader.ASM_API);
      this.owner = owner;
      this.synthetic = synthetic;
    }

    private int label(Label l) {
      return labels.computeIfAbsent(l, k -> labels.size());
    }

    @Override
    public void visitInsn(int opcode) {
      h.putByte((byte) 1).putInt(opcode);
    }

    @Override
    public void visitIntInsn(int opcode, int operand) {
      h.putByte((byte) 2).putInt(opcode).putInt(operand);
    }

    @Override
    public void visitVarInsn(int opcode, int varIndex) {
      h.putByte((byte) 3).putInt(opcode).putInt(varIndex);
    }

    @Override
    public void visitTypeInsn(int opcode, String type) {
      h.putByte((byte) 4).putInt(opcode).putString(type);
    }

    @Override
    public void visitFieldInsn(int opcode, String fieldOwner, String name, String descriptor) {
      h.putByte((byte) 5).putInt(opcode).putString(fieldOwner).putString(name).putString(descriptor);
    }

    @Override
    public void visitMethodInsn(int opcode, String methodOwner, String name, String descriptor,
        boolean isInterface) {
      h.putByte((byte) 6).putInt(opcode).putString(methodOwner).putString(name).putString(descriptor)
          .putBoolean(isInterface);
    }

    @Override
    public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap,
        Object... bootstrapArguments) {
      h.putByte((byte) 7).putString(name).putString(descriptor);
      handle(bootstrap);
      h.putInt(bootstrapArguments.length);
      for (Object a : bootstrapArguments) {
        constant(a);
        if (a instanceof Handle target && target.getOwner().equals(owner)) {
          lambdaBodies.add(target.getName() + target.getDesc());
        }
      }
    }

    @Override
    public void visitJumpInsn(int opcode, Label target) {
      h.putByte((byte) 8).putInt(opcode).putInt(label(target));
    }

    @Override
    public void visitLabel(Label l) {
      h.putByte((byte) 9).putInt(label(l));
    }

    @Override
    public void visitLdcInsn(Object value) {
      h.putByte((byte) 10);
      constant(value);
    }

    @Override
    public void visitIincInsn(int varIndex, int increment) {
      h.putByte((byte) 11).putInt(varIndex).putInt(increment);
    }

    @Override
    public void visitTableSwitchInsn(int min, int max, Label dflt, Label... cases) {
      h.putByte((byte) 12).putInt(min).putInt(max).putInt(label(dflt)).putInt(cases.length);
      for (Label c : cases) {
        h.putInt(label(c));
      }
    }

    @Override
    public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] cases) {
      h.putByte((byte) 13).putInt(label(dflt)).putIntArray(keys).putInt(cases.length);
      for (Label c : cases) {
        h.putInt(label(c));
      }
    }

    @Override
    public void visitMultiANewArrayInsn(String descriptor, int numDimensions) {
      h.putByte((byte) 14).putString(descriptor).putInt(numDimensions);
    }

    @Override
    public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
      h.putByte((byte) 15).putInt(label(start)).putInt(label(end)).putInt(label(handler))
          .putString(type == null ? "" : type);
    }

    @Override
    public void visitEnd() {
      local = h.getAsLong();
    }

    private void handle(Handle handle) {
      h.putByte((byte) 20).putInt(handle.getTag()).putString(handle.getOwner()).putString(handle.getName())
          .putString(handle.getDesc()).putBoolean(handle.isInterface());
    }

    private void constant(Object value) {
      if (value instanceof Integer i) {
        h.putByte((byte) 21).putInt(i);
      } else if (value instanceof Float f) {
        h.putByte((byte) 22).putInt(Float.floatToRawIntBits(f));
      } else if (value instanceof Long l) {
        h.putByte((byte) 23).putLong(l);
      } else if (value instanceof Double d) {
        h.putByte((byte) 24).putLong(Double.doubleToRawLongBits(d));
      } else if (value instanceof String s) {
        h.putByte((byte) 25).putString(s);
      } else if (value instanceof Type t) {
        h.putByte((byte) 26).putString(t.getDescriptor());
      } else if (value instanceof Handle handle) {
        handle(handle);
      } else if (value instanceof ConstantDynamic c) {
        h.putByte((byte) 27).putString(c.getName()).putString(c.getDescriptor());
        handle(c.getBootstrapMethod());
        h.putInt(c.getBootstrapMethodArgumentCount());
        for (int i = 0; i < c.getBootstrapMethodArgumentCount(); i++) {
          constant(c.getBootstrapMethodArgument(i));
        }
      } else {
        h.putByte((byte) 28).putString(String.valueOf(value));
      }
    }
  }
}
