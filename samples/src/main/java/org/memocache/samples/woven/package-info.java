/**
 * A sample woven at build time: {@code @Memoize} methods made memoizing by the MemoCache plugin for
 * byte-buddy-maven-plugin, so the program needs no {@code -javaagent}. Start with
 * {@link org.memocache.samples.woven.WovenDemo}.
 */
package org.memocache.samples.woven;
