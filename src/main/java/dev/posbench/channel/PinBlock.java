package dev.posbench.channel;

import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * Field 52: an ISO 9564 format 0 PIN block, encrypted with triple DES under a double-length PIN
 * key. The clear PIN never travels; only the issuer, holding the key, recovers it.
 */
public final class PinBlock {

    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private PinBlock() {}

    public static String encrypt(String pin, String pan, String keyHex) {
        if (!pin.matches("\\d{4,12}")) {
            throw new IllegalArgumentException("a PIN has 4 to 12 digits");
        }
        String pinField = ("0" + Integer.toHexString(pin.length()).toUpperCase() + pin + "F".repeat(14))
                .substring(0, 16);
        byte[] clear = xor(HEX.parseHex(pinField), HEX.parseHex(panField(pan)));
        return HEX.formatHex(crypt(Cipher.ENCRYPT_MODE, clear, keyHex));
    }

    /** Recovers the PIN, or throws when the block is not a well-formed format 0 block for this PAN. */
    public static String decrypt(String blockHex, String pan, String keyHex) {
        byte[] clear = xor(crypt(Cipher.DECRYPT_MODE, HEX.parseHex(blockHex), keyHex), HEX.parseHex(panField(pan)));
        String pinField = HEX.formatHex(clear);
        int length = Character.digit(pinField.charAt(1), 16);
        if (pinField.charAt(0) != '0' || length < 4 || length > 12) {
            throw new IllegalArgumentException("not a format 0 PIN block");
        }
        String pin = pinField.substring(2, 2 + length);
        if (!pin.chars().allMatch(Character::isDigit) || !pinField.substring(2 + length).matches("F*")) {
            throw new IllegalArgumentException("not a format 0 PIN block");
        }
        return pin;
    }

    private static String panField(String pan) {
        String withoutCheckDigit = pan.substring(0, pan.length() - 1);
        String twelve = withoutCheckDigit.substring(Math.max(0, withoutCheckDigit.length() - 12));
        return "0000" + "0".repeat(12 - twelve.length()) + twelve;
    }

    private static byte[] xor(byte[] a, byte[] b) {
        byte[] out = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (byte) (a[i] ^ b[i]);
        }
        return out;
    }

    private static byte[] crypt(int mode, byte[] block, String keyHex) {
        byte[] key = HEX.parseHex(keyHex);
        if (key.length != 16) {
            throw new IllegalArgumentException("a PIN key is 16 bytes (32 hex digits)");
        }
        byte[] k3 = new byte[24];
        System.arraycopy(key, 0, k3, 0, 16);
        System.arraycopy(key, 0, k3, 16, 8); // double-length key: K1 K2 K1
        try {
            Cipher cipher = Cipher.getInstance("DESede/ECB/NoPadding");
            cipher.init(mode, new SecretKeySpec(k3, "DESede"));
            return cipher.doFinal(block);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("DESede is part of every JDK", e);
        }
    }
}
