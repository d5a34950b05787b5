package org.memocache.agent.internal;

import com.dynatrace.hash4j.hashing.HashStream64;
import com.dynatrace.hash4j.hashing.Hashing;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ConstantDynamic;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import net.bytebuddy.utility.OpenedClassReader;
import org.jspecify.annotations.Nullable;
import org.memocache.agent.internal.ClassFiles.Origin;

/**
 * Fingerprints of memoized methods: a 64-bit XXH3 hash of what a method computes, its own
 * instructions and those of the code it calls in the same code source, so that editing the method
 * or one of its helpers makes its old cached results unreachable.
 *
 * <p>Each method body is hashed by what the code does, not by how the file happens to be laid out:
 * opcodes and their resolved operands (names, descriptors, constants), with branch targets numbered
 * in order of appearance. Debug information (line numbers, local variable names), stack map frames
 * and constant pool order are left out, so moving a method in its file, editing a comment,
 * recompiling with {@code -g:none}, or the JVM's reconstitution of a class file for retransformation
 * changes nothing.
 *
 * <p>From the memoized method, the walk follows, transitively:
 * <ul>
 *   <li>every method invocation ({@code invokestatic}, {@code invokespecial}, {@code invokevirtual},
 *       {@code invokeinterface}) whose owner is in the class's own code source (the same class
 *       directory or jar, as {@link ClassFiles#origin} says), resolved to the body the owner
 *       declares or inherits (superclasses, then default methods of interfaces);
 *   <li>method handles in {@code invokedynamic} and constants: the bodies of lambdas
 *       ({@code lambda$…}) and of method references, and user-written bootstrap methods;
 *   <li>every method of a class of the code source that walked code instantiates ({@code new}):
 *       overrides reached by virtual calls on such objects, including callbacks that library or
 *       JDK code makes (a {@code Comparator} handed to {@code sort}), and anonymous classes;
 *   <li>the static initializer of a class of the code source whose static fields or methods walked
 *       code uses, or that it instantiates.
 * </ul>
 * A call into a library (another jar or class directory) adds the library's identity
 * ({@link Origin}) and stops there; the JDK adds nothing. The walk hashes at most {@value #MAX_METHODS}
 * method bodies; a callee of the code source past that bound contributes the hash of its whole class
 * file instead of being walked. The fingerprint is the hash of the sorted set of walked bodies (each
 * named by class, name and descriptor), the sorted library identities and the class-file hashes past
 * the bound, so it does not depend on the order in which the walk found them.
 *
 * <p>Not covered: overrides of a virtual call whose receiver walked code did not instantiate (an
 * argument's or field's subclass), code reached by reflection or {@code MethodHandles.Lookup}
 * strings, library internals beyond their identity, native code, and data read from files or
 * resources.
 *
 * <p>One instance serves one class being woven: it parses each class file once, and remembers which
 * classes it consulted ({@link #dependencies}) so that a cached weaving can be checked against them
 * ({@link #digest}).
 */
public final class MethodFingerprints {
  /** At most this many method bodies are hashed per memoized method. */
  public static final int MAX_METHODS = 1000;

  private static final String CLINIT = "<clinit>()V";

  private final ClassFiles files;
  private final String own;
  private final byte[] ownClassFile;
  private final Map<String, @Nullable ClassCode> classes = new HashMap<>();
  private final Map<String, Origin> origins = new HashMap<>();
  private final Set<String> consulted = new TreeSet<>();
  private final Map<String, Long> results = new HashMap<>();

  /**
   * @param files reads the callees and says whose code they are
   * @param ownInternalName the class being woven ({@code "com/acme/Fit"})
   * @param ownClassFile its class file as the weaver sees it
   */
  public MethodFingerprints(ClassFiles files, String ownInternalName, byte[] ownClassFile) {
    this.files = files;
    this.own = ownInternalName;
    this.ownClassFile = ownClassFile;
  }

  /**
   * The fingerprint of the method {@code methodKey} (name followed by JVM descriptor,
   * {@code "fit(IJ)[D"}) of the class being woven: never 0, or 0 when the class declares no such
   * method with code.
   */
  public long of(String methodKey) {
    Long known = results.get(methodKey);
    if (known != null) {
      return known;
    }
    ClassCode c = code(own);
    long fp = c == null || !c.hasCode(methodKey) ? 0L : walk(methodKey);
    results.put(methodKey, fp);
    return fp;
  }

  /**
   * The classes other than the woven one that the fingerprints computed so far depend on: those
   * read, and those whose origin was asked.
   */
  public SortedSet<String> dependencies() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(consulted));
  }

  /**
   * A hash of what {@code files} says now about {@code names}: each class's origin, and the class
   * file of each one of the own code source. Equal to the value at weave time exactly when none of
   * the classes a fingerprint depends on changed.
   */
  public static long digest(ClassFiles files, Collection<String> names) {
    HashStream64 h = Hashing.xxh3_64().hashStream().putInt(names.size());
    for (String name : new TreeSet<>(names)) {
      Origin o = files.origin(name);
      h.putString(name).putString(o.toString());
      if (o.own()) {
        byte[] b = files.read(name);
        h.putLong(b == null ? 0L : Hashing.xxh3_64().hashBytesToLong(b));
      }
    }
    return h.getAsLong();
  }

  private long walk(String rootKey) {
    Map<String, Long> bodies = new TreeMap<>();
    Set<String> libraries = new TreeSet<>();
    Set<String> pastBound = new TreeSet<>();
    Set<String> seen = new HashSet<>();
    Deque<String[]> queue = new ArrayDeque<>();
    enqueue(own, rootKey, seen, queue);
    while (!queue.isEmpty()) {
      String[] next = queue.poll();
      String owner = next[0];
      String key = next[1];
      ClassCode c = code(owner);
      if (c == null || !c.hasCode(key)) {
        continue;
      }
      if (bodies.size() >= MAX_METHODS) {
        pastBound.add(owner);
        continue;
      }
      MethodCode m = c.method(key);
      bodies.put(owner + '.' + key, m.local);
      for (Ref r : m.refs) {
        switch (r.kind) {
          case CALL -> resolve(r.owner, r.member, libraries, seen, queue);
          case STATIC -> touch(r.owner, false, libraries, seen, queue);
          case NEW -> touch(r.owner, true, libraries, seen, queue);
        }
      }
    }
    HashStream64 h = Hashing.xxh3_64().hashStream().putInt(bodies.size());
    bodies.forEach((name, local) -> h.putString(name).putLong(local));
    h.putInt(libraries.size());
    libraries.forEach(h::putString);
    h.putInt(pastBound.size());
    for (String owner : pastBound) {
      byte[] b = owner.equals(own) ? ownClassFile : read(owner);
      h.putString(owner).putLong(b == null ? 0L : Hashing.xxh3_64().hashBytesToLong(b));
    }
    long fp = h.getAsLong();
    return fp == 0 ? 1 : fp;
  }

  private static void enqueue(String owner, String key, Set<String> seen, Deque<String[]> queue) {
    if (seen.add(owner + '.' + key)) {
      queue.add(new String[] {owner, key});
    }
  }

  /** Finds the body a call to {@code owner.member} runs when the receiver is an {@code owner}. */
  private void resolve(String owner, String member, Set<String> libraries, Set<String> seen,
      Deque<String[]> queue) {
    Set<String> interfaces = new LinkedHashSet<>();
    for (String c = owner; c != null; ) {
      Origin o = origin(c);
      if (!o.own()) {
        library(o, libraries); // inherited from a library superclass
        return;
      }
      ClassCode code = code(c);
      if (code == null) {
        return;
      }
      if (code.declared.containsKey(member)) {
        enqueue(c, member, seen, queue);
        return;
      }
      interfaces.addAll(code.interfaces);
      c = code.superName;
    }
    Deque<String> pending = new ArrayDeque<>(interfaces);
    Set<String> visited = new HashSet<>();
    while (!pending.isEmpty()) {
      String itf = pending.poll();
      if (!visited.add(itf)) {
        continue;
      }
      Origin o = origin(itf);
      if (!o.own()) {
        library(o, libraries);
        continue;
      }
      ClassCode code = code(itf);
      if (code == null) {
        continue;
      }
      if (code.hasCode(member)) {
        enqueue(itf, member, seen, queue);
        return;
      }
      pending.addAll(code.interfaces);
    }
  }

  /** A class whose statics walked code uses, or ({@code instantiated}) whose objects it creates. */
  private void touch(String owner, boolean instantiated, Set<String> libraries, Set<String> seen,
      Deque<String[]> queue) {
    Origin o = origin(owner);
    if (!o.own()) {
      library(o, libraries);
      return;
    }
    ClassCode code = code(owner);
    if (code == null) {
      return;
    }
    if (code.hasCode(CLINIT)) {
      enqueue(owner, CLINIT, seen, queue);
    }
    if (instantiated) {
      for (Map.Entry<String, Boolean> e : code.declared.entrySet()) {
        if (e.getValue()) {
          enqueue(owner, e.getKey(), seen, queue);
        }
      }
    }
  }

  private static void library(Origin o, Set<String> libraries) {
    if (o.kind() == Origin.Kind.LIBRARY) {
      libraries.add(o.identity());
    }
  }

  private Origin origin(String internalName) {
    if (internalName.equals(own)) {
      return Origin.OWN;
    }
    if (ClassFiles.isPlatform(internalName)) {
      return Origin.NONE;
    }
    Origin o = origins.get(internalName);
    if (o == null) {
      consulted.add(internalName);
      o = files.origin(internalName);
      origins.put(internalName, o);
    }
    return o;
  }

  private byte @Nullable [] read(String internalName) {
    consulted.add(internalName);
    return files.read(internalName);
  }

  /** The parsed class, for a class of the own code source; {@code null} when unreadable. */
  private @Nullable ClassCode code(String internalName) {
    if (classes.containsKey(internalName)) {
      return classes.get(internalName);
    }
    byte[] b = internalName.equals(own) ? ownClassFile : read(internalName);
    ClassCode c = null;
    if (b != null) {
      try {
        c = ClassCode.parse(b);
      } catch (RuntimeException e) {
        c = null; // not a class file ASM can read: its callers' own instructions still count
      }
    }
    classes.put(internalName, c);
    return c;
  }

  /** What a method body refers to that the walk may follow. */
  private enum RefKind { CALL, STATIC, NEW }

  private record Ref(RefKind kind, String owner, String member) {}

  /** One method: the hash of its own instructions, and what they refer to. */
  private static final class MethodCode {
    long local;
    final Set<Ref> refs = new LinkedHashSet<>();
  }

  /**
   * One class file: its supertypes and declared methods read up front, each method's code hashed
   * only when the walk reaches it (a class's other methods, such as a large static initializer,
   * cost a skip).
   */
  private static final class ClassCode {
    private final ClassReader reader;
    @Nullable String superName;
    List<String> interfaces = List.of();
    /** Each declared method, by name and descriptor: whether it has code (not abstract or native). */
    final Map<String, Boolean> declared = new LinkedHashMap<>();
    private final Map<String, MethodCode> hashed = new HashMap<>();

    private ClassCode(ClassReader reader) {
      this.reader = reader;
    }

    static ClassCode parse(byte[] classFile) {
      ClassCode c = new ClassCode(OpenedClassReader.of(classFile));
      c.reader.accept(new ClassVisitor(OpenedClassReader.ASM_API) {
        @Override
        public void visit(int version, int access, String name, @Nullable String signature,
            @Nullable String superName, String @Nullable [] interfaces) {
          c.superName = superName;
          c.interfaces = interfaces == null ? List.of() : List.of(interfaces);
        }

        @Override
        public @Nullable MethodVisitor visitMethod(int access, String name, String descriptor,
            String signature, String[] exceptions) {
          c.declared.put(name + descriptor, (access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) == 0);
          return null;
        }
      }, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
      return c;
    }

    boolean hasCode(String key) {
      return declared.getOrDefault(key, false);
    }

    MethodCode method(String key) {
      MethodCode known = hashed.get(key);
      if (known != null) {
        return known;
      }
      MethodCode m = new MethodCode();
      reader.accept(new ClassVisitor(OpenedClassReader.ASM_API) {
        @Override
        public @Nullable MethodVisitor visitMethod(int access, String name, String descriptor,
            String signature, String[] exceptions) {
          return key.equals(name + descriptor) ? new Recorder(m) : null;
        }
      }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
      hashed.put(key, m);
      return m;
    }
  }

  /** Hashes one method's instruction stream as it is visited. */
  private static final class Recorder extends MethodVisitor {
    private final MethodCode method;
    private final HashStream64 h = Hashing.xxh3_64().hashStream();
    private final IdentityHashMap<Label, Integer> labels = new IdentityHashMap<>();

    Recorder(MethodCode method) {
      super(OpenedClassReader.ASM_API);
      this.method = method;
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
      if (opcode == Opcodes.NEW) {
        method.refs.add(new Ref(RefKind.NEW, type, ""));
      }
    }

    @Override
    public void visitFieldInsn(int opcode, String fieldOwner, String name, String descriptor) {
      h.putByte((byte) 5).putInt(opcode).putString(fieldOwner).putString(name).putString(descriptor);
      if (opcode == Opcodes.GETSTATIC || opcode == Opcodes.PUTSTATIC) {
        method.refs.add(new Ref(RefKind.STATIC, fieldOwner, ""));
      }
    }

    @Override
    public void visitMethodInsn(int opcode, String methodOwner, String name, String descriptor,
        boolean isInterface) {
      h.putByte((byte) 6).putInt(opcode).putString(methodOwner).putString(name).putString(descriptor)
          .putBoolean(isInterface);
      method.refs.add(new Ref(RefKind.CALL, methodOwner, name + descriptor));
      if (opcode == Opcodes.INVOKESTATIC) {
        method.refs.add(new Ref(RefKind.STATIC, methodOwner, ""));
      }
    }

    @Override
    public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap,
        Object... bootstrapArguments) {
      h.putByte((byte) 7).putString(name).putString(descriptor);
      handle(bootstrap);
      h.putInt(bootstrapArguments.length);
      for (Object a : bootstrapArguments) {
        constant(a);
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
      method.local = h.getAsLong();
    }

    /** Hashes a method handle; the method or field it points at is followed like a call or access. */
    private void handle(Handle handle) {
      h.putByte((byte) 20).putInt(handle.getTag()).putString(handle.getOwner()).putString(handle.getName())
          .putString(handle.getDesc()).putBoolean(handle.isInterface());
      switch (handle.getTag()) {
        case Opcodes.H_GETSTATIC, Opcodes.H_PUTSTATIC ->
            method.refs.add(new Ref(RefKind.STATIC, handle.getOwner(), ""));
        case Opcodes.H_GETFIELD, Opcodes.H_PUTFIELD -> { }
        case Opcodes.H_NEWINVOKESPECIAL -> {
          method.refs.add(new Ref(RefKind.NEW, handle.getOwner(), ""));
          method.refs.add(new Ref(RefKind.CALL, handle.getOwner(), handle.getName() + handle.getDesc()));
        }
        case Opcodes.H_INVOKESTATIC -> {
          method.refs.add(new Ref(RefKind.CALL, handle.getOwner(), handle.getName() + handle.getDesc()));
          method.refs.add(new Ref(RefKind.STATIC, handle.getOwner(), ""));
        }
        default -> method.refs.add(new Ref(RefKind.CALL, handle.getOwner(), handle.getName() + handle.getDesc()));
      }
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
