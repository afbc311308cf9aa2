package dev.posbench.bank;

import java.nio.file.Path;

/**
 * The faked bank, from {@code bench-config/bank.yaml}.
 *
 * @param port            the port a terminal connects to; 0 picks a free one
 * @param path            URL path a json-http terminal posts messages to
 * @param pinKeyHex       the zone PIN key shared with the terminal (test key): ISO 9564 format 0 under TDES
 * @param macKeyHex       the HMAC key of the json-http dialect (test key)
 * @param baseDir         mappings always loaded: the bank's normal behaviour (approve, reverse, sign on)
 * @param answersDir      mappings a scenario picks by name: one file per answer ({@code 55.json}, {@code no-answer.json})
 * @param listenHost      the address the bank listens on for terminals; loopback unless a rig opens it
 * @param retailMacKeyHex the double-length DES key of the retail MAC (ISO 9797-1 algorithm 3) of the iso8583-tcp dialect
 */
public record BankSpec(int port, String path, String pinKeyHex, String macKeyHex, Path baseDir, Path answersDir,
                       String listenHost, String retailMacKeyHex) {

    public static final String LOOPBACK = "127.0.0.1";
    /** The test key of bench-config/bank.yaml, for a spec written without one. */
    public static final String TEST_RETAIL_MAC_KEY = "0123456789ABCDEF0123456789ABCDEF";

    /** On loopback, with the test retail MAC key. */
    public BankSpec(int port, String path, String pinKeyHex, String macKeyHex, Path baseDir, Path answersDir) {
        this(port, path, pinKeyHex, macKeyHex, baseDir, answersDir, LOOPBACK, TEST_RETAIL_MAC_KEY);
    }

    /** Whether terminals other than this machine's can reach the bank. */
    public boolean loopbackOnly() {
        return listenHost.equals(LOOPBACK) || listenHost.equals("localhost") || listenHost.startsWith("127.")
                || listenHost.equals("::1");
    }
}
