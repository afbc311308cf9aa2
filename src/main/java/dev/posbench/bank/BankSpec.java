package dev.posbench.bank;

import java.nio.file.Path;

/**
 * The faked bank, from {@code bench-config/bank.yaml}.
 *
 * @param port        loopback port; 0 picks a free one
 * @param path        URL path the terminal posts messages to
 * @param pinKeyHex   the zone PIN key shared with the terminal (test key)
 * @param macKeyHex   the MAC key shared with the terminal (test key)
 * @param baseDir     mappings always loaded: the bank's normal behaviour (approve, reverse, sign on)
 * @param answersDir  mappings a scenario picks by name: one file per answer ({@code 55.json}, {@code no-answer.json})
 */
public record BankSpec(int port, String path, String pinKeyHex, String macKeyHex, Path baseDir, Path answersDir) {}
