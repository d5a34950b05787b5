package org.memocache.agent;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a class whose {@code @Memoize} methods were woven at build time by {@link MemoizePlugin}.
 * The agent leaves such classes alone, so a method is never advised twice when a build-woven jar
 * runs under the agent. Added by the plugin; not meant to be written by hand.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Woven {}
