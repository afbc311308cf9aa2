package dev.posbench.channel;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * The retail MAC of ISO 9797-1 algorithm 3 (ANSI X9.19) with padding method 1, under a
 * double-length DES key K1 K2: single DES with K1 chained over every block, then the last result
 * decrypted with K2 and encrypted with K1 again. What most ISO 8583 terminals put in field 64.
 */
public final class RetailMac {

    private static final int BLOCK = 8;

    private RetailMac() {}

    /** The 8-byte MAC of {@code data}; the data is zero-padded to whole blocks. */
    public static byte[] compute(byte[] data, String keyHex) {
        byte[] key = HexFormat.of().parseHex(keyHex);
        if (key.length != 16) {
            throw new IllegalArgumentException("a retail MAC key is double-length DES: 16 bytes (32 hex digits)");
        }
        byte[] padded = Arrays.copyOf(data, Math.max(BLOCK, (data.length + BLOCK - 1) / BLOCK * BLOCK));
        try {
            Cipher k1 = des(Cipher.ENCRYPT_MODE, Arrays.copyOfRange(key, 0, 8));
            Cipher k2 = des(Cipher.DECRYPT_MODE, Arrays.copyOfRange(key, 8, 16));
            byte[] chain = new byte[BLOCK];
            for (int at = 0; at < padded.length; at += BLOCK) {
                for (int i = 0; i < BLOCK; i++) {
                    chain[i] ^= padded[at + i];
                }
                chain = k1.doFinal(chain);
            }
            return k1.doFinal(k2.doFinal(chain));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("DES is part of every JDK", e);
        }
    }

    private static Cipher des(int mode, byte[] key) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("DES/ECB/NoPadding");
        cipher.init(mode, new SecretKeySpec(key, "DES"));
        return cipher;
    }
}
