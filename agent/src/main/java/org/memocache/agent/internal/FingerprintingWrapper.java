package org.memocache.agent.internal;

import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.field.FieldDescription;
import net.bytebuddy.description.field.FieldList;
import net.bytebuddy.description.method.MethodList;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.OpenedClassReader;
import org.jspecify.annotations.Nullable;

/**
 * Makes each method's bytecode fingerprint computable before the advice is inlined into it.
 *
 * <p>Advice writes its enter code when a method's code starts, before the method's original
 * instructions have streamed past, so a fingerprint of those instructions cannot be computed on the
 * fly. This wrapper, applied outermost, first receives the whole original class, buffers it (as
 * class file bytes), and then replays the class into the rest of the chain (the advice and Byte
 * Buddy's writer) while {@link FingerprintBinding} can ask {@link MethodFingerprints} for the
 * fingerprint of each advised method: computed on demand, so only memoized methods walk their
 * callees. The classes the fingerprints depended on go to the current {@link WeaveRecord}, for the
 * weave cache to check on later starts. Only classes with memoized methods pay for the extra pass.
 */
public final class FingerprintingWrapper extends AsmVisitorWrapper.AbstractBase {
  private final ClassFiles files;

  /** @param files the callees' class files, as the weaving host (agent or build) sees them */
  public FingerprintingWrapper(ClassFiles files) {
    this.files = files;
  }

  @Override
  public ClassVisitor wrap(TypeDescription instrumentedType, ClassVisitor classVisitor,
      Implementation.Context implementationContext, TypePool typePool,
      FieldList<FieldDescription.InDefinedShape> fields, MethodList<?> methods, int writerFlags,
      int readerFlags) {
    return new Buffer(classVisitor, readerFlags, files);
  }

  /** Collects the class, then replays it with fingerprints at hand. */
  private static final class Buffer extends ClassVisitor {
    private final ClassVisitor target;
    private final int readerFlags;
    private final ClassFiles files;
    private @Nullable String name;

    Buffer(ClassVisitor target, int readerFlags, ClassFiles files) {
      super(OpenedClassReader.ASM_API, new ClassWriter(0));
      this.target = target;
      this.readerFlags = readerFlags;
      this.files = files;
    }

    @Override
    public void visit(int version, int access, String name, @Nullable String signature,
        @Nullable String superName, String @Nullable [] interfaces) {
      this.name = name;
      super.visit(version, access, name, signature, superName, interfaces);
    }

    @Override
    public void visitEnd() {
      super.visitEnd();
      byte[] original = ((ClassWriter) cv).toByteArray();
      MethodFingerprints fingerprints = new MethodFingerprints(files, name == null ? "" : name, original);
      FingerprintBinding.during(fingerprints,
          () -> OpenedClassReader.of(original).accept(target, readerFlags));
      if (WeaveRecord.isRecording() && !fingerprints.dependencies().isEmpty()) {
        WeaveRecord.dependencies(fingerprints.dependencies(),
            MethodFingerprints.digest(files, fingerprints.dependencies()));
      }
    }
  }
}
