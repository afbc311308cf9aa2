package dev.posbench.emulator;

import dev.posbench.channel.Pans;

/**
 * The payment application data a chip or contactless interface gives the terminal.
 *
 * @param aid         application identifier, hex
 * @param pan         primary account number
 * @param expiry      YYMM
 * @param serviceCode three digits
 */
record CardApplication(String aid, String pan, String expiry, String serviceCode) {

    /** Track 2 equivalent data (tag 57): {@code PAN=YYMMSSS}. */
    public String track2Equivalent() {
        return pan + "=" + expiry + serviceCode;
    }

    @Override
    public String toString() {
        return "CardApplication[aid=" + aid + ", pan=" + Pans.mask(pan) + ", expiry=" + expiry
                + ", serviceCode=" + serviceCode + "]";
    }
}
