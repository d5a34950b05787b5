/** Not API. The {@code memocache} command line: one picocli command per subcommand. */
@NullMarked
package org.memocache.agent.internal.cli;

import org.jspecify.annotations.NullMarked;
