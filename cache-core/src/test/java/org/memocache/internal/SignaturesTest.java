package org.memocache.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.memocache.MethodId;

class SignaturesTest {
  @Test
  void descriptorsReadAsJava() {
    assertEquals("com.acme.Fit#fit(int, long)", Signatures.of(new MethodId("com.acme.Fit#fit", "(IJ)[D", 0, 0)));
    assertEquals("Lin#invert(DMatrixRMaj, double[][], Outer.Inner[])", Signatures.of(new MethodId("Lin#invert",
        "(Lorg/ejml/data/DMatrixRMaj;[[D[La/Outer$Inner;)Z", 0, 0)));
    assertEquals("noArgs()", Signatures.of(new MethodId("noArgs", "()V", 0, 0)));
    assertEquals("simulate", Signatures.of(MethodId.of("simulate", 0)));
  }
}
