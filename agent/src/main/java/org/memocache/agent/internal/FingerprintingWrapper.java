package org.memocache.agent.internal;

import java.util.Map;
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

/**
 * Makes each method's bytecode fingerprint known before the advice is inlined into it.
 *
 * <p>Advice writes its enter code when a method's code starts, before the method's original
 * instructions have streamed past, so a fingerprint of those instructions cannot be computed on the
 * fly. This wrapper, applied outermost, first receives the whole original class, buffers it (as
 * class file bytes), fingerprints every method with {@link MethodFingerprints}, and then replays the
 * class into the rest of the chain (the advice and Byte Buddy's writer) while
 * {@link FingerprintBinding} can see the fingerprints. Only classes with memoized methods pay for
 * the extra pass.
 */
public final class FingerprintingWrapper extends AsmVisitorWrapper.AbstractBase {

  /** Shared: the wrapper holds no state. */
  public static final FingerprintingWrapper INSTANCE = new FingerprintingWrapper();

  private FingerprintingWrapper() {}

  @Override
  public ClassVisitor wrap(TypeDescription instrumentedType, ClassVisitor classVisitor,
      Implementation.Context implementationContext, TypePool typePool,
      FieldList<FieldDescription.InDefinedShape> fields, MethodList<?> methods, int writerFlags,
      int readerFlags) {
    return new Buffer(classVisitor, readerFlags);
  }

  /** Collects the class, then fingerprints and replays it. */
  private static final class Buffer extends ClassVisitor {
    private final ClassVisitor target;
    private final int readerFlags;

    Buffer(ClassVisitor target, int readerFlags) {
      super(OpenedClassReader.ASM_API, new ClassWriter(0));
      this.target = target;
      this.readerFlags = readerFlags;
    }

    @Override
    public void visitEnd() {
      super.visitEnd();
      byte[] original = ((ClassWriter) cv).toByteArray();
      Map<String, Long> fingerprints = MethodFingerprints.of(original);
      FingerprintBinding.during(fingerprints,
          () -> OpenedClassReader.of(original).accept(target, readerFlags));
    }
  }
}
