package org.memocache.agent.internal;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds an advice parameter to the woven method's bytecode fingerprint, a {@code long} constant
 * resolved by {@link FingerprintBinding} while the method is woven.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface CodeFingerprint {}
