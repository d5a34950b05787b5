/**
 * The MemoCache agent, build plugin and command line. Start with {@link org.memocache.agent.MemoAgent}
 * ({@code -javaagent:memocache-agent.jar=...}) and its {@link org.memocache.agent.AgentOptions}, or
 * with {@link org.memocache.agent.MemoizePlugin} for weaving at build time.
 */
@NullMarked
package org.memocache.agent;

import org.jspecify.annotations.NullMarked;
