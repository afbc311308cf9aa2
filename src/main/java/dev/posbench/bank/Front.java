package dev.posbench.bank;

import java.net.URI;

/**
 * Where a terminal reaches the bank, in its host dialect: the seam between the one set of WireMock
 * mappings and the many ways terminals talk. Each front turns what arrives into the JSON dialect
 * the mappings match and turns WireMock's answer back.
 */
interface Front extends AutoCloseable {

    /** What the terminal is told to connect to ({@code http://host:port/path}, {@code tcp://host:port}). */
    URI address();

    /** Stops listening: a connection attempt is refused, as when the host is down. */
    void refuseConnections();

    /** Listens again, on the same address. */
    void acceptConnections();

    @Override
    void close();
}
