/**
 * Small shared utilities: {@link org.hebb4j.util.Named}, the one parser of the words that name
 * enum constants on the command line, in test vectors and in saved files.
 */
package org.hebb4j.util;
