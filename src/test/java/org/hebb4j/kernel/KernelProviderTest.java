package org.hebb4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * The dispatch for every value of hebb4j.simd, through the package-private entry that takes the
 * value, so the system property is never set.
 */
class KernelProviderTest {

  @Test
  void aBadPropertyIsAnIllegalStateExceptionOnEveryCall() {
    for (int i = 0; i < 3; i++) {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> KernelProvider.getFor("yes"));
      assertEquals("-Dhebb4j.simd must be true or false, got 'yes'", e.getMessage());
    }
    assertEquals("-Dhebb4j.simd must be true or false, got ''", KernelProvider.checkProperty(""));
  }

  @Test
  void aBadVectorWidthIsAnIllegalStateException() {
    for (String bad : new String[] {"64", "1024", "", "256 ", "wide"}) {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> KernelProvider.getFor(null, bad));
      assertEquals("-Dhebb4j.vectorBits must be 128, 256 or 512, got '" + bad + "'",
          e.getMessage());
      assertEquals(e.getMessage(), KernelProvider.checkVectorBits(bad));
    }
    assertThrows(IllegalStateException.class, () -> KernelProvider.getFor("false", "64"));
    assertSame(KernelProvider.scalar(), KernelProvider.getFor("false", "128"));
    for (String good : new String[] {null, "128", "256", "512"}) {
      assertNull(KernelProvider.checkVectorBits(good));
    }
    assertNull(System.getProperty(KernelProvider.VECTOR_BITS_PROPERTY));
    assertSame(KernelProvider.get(), KernelProvider.getFor(null, null));
  }

  @Test
  void goodValuesChooseKernels() {
    assertSame(KernelProvider.scalar(), KernelProvider.getFor("false"));
    assertNull(KernelProvider.checkProperty(null));
    assertNull(KernelProvider.checkProperty("true"));
    // unset and true choose the same kernels as the running JVM (whose property is unset here)
    assertNull(System.getProperty(KernelProvider.SIMD_PROPERTY));
    assertSame(KernelProvider.get(), KernelProvider.getFor(null));
    assertSame(KernelProvider.get(), KernelProvider.getFor("true"));
  }
}
