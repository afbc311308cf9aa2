package dev.posbench.bank;

import com.github.tomakehurst.wiremock.extension.Parameters;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.matching.MatchResult;
import com.github.tomakehurst.wiremock.matching.RequestMatcherExtension;
import dev.posbench.channel.IsoMessage;
import dev.posbench.channel.PinBlock;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;

/**
 * Request matcher {@code pin-check}: the issuer's PIN verification, so a mapping can answer a
 * right and a wrong online PIN differently (the stateful try counter is built from it).
 * Parameters: {@code {"pin": "correct"}} or {@code {"pin": "wrong"}}. A request without a PIN
 * block, with a block that does not decrypt, or for a card the issuer has no PIN for, carries a
 * wrong PIN: an issuer cannot verify what it cannot read.
 */
final class PinCheck extends RequestMatcherExtension {

    static final String NAME = "pin-check";

    private static final int PAN = 2;
    private static final int PIN_BLOCK = 52;

    private final String pinKeyHex;
    private final Map<String, String> issuerPinsByPan;

    PinCheck(String pinKeyHex, Map<String, String> issuerPinsByPan) {
        this.pinKeyHex = pinKeyHex;
        this.issuerPinsByPan = Map.copyOf(issuerPinsByPan);
    }

    @Override
    public String getName() {
        return NAME;
    }

    /** Checks a mapping's matcher parameters; empty when they are fine. */
    static Optional<String> parameterProblem(Parameters parameters) {
        String pin = parameters == null ? null : parameters.getString("pin", null);
        return "correct".equals(pin) || "wrong".equals(pin)
                ? Optional.empty()
                : Optional.of("customMatcher pin-check needs parameters {\"pin\": \"correct\"} or {\"pin\": \"wrong\"}");
    }

    @Override
    public MatchResult match(Request request, Parameters parameters) {
        if (parameterProblem(parameters).isPresent()) {
            return MatchResult.noMatch();
        }
        boolean wantCorrect = "correct".equals(parameters.getString("pin"));
        return MatchResult.of(pinIsCorrect(request.getBodyAsString()) == wantCorrect);
    }

    private boolean pinIsCorrect(String body) {
        IsoMessage message;
        try {
            message = IsoMessage.parse(body);
        } catch (IsoMessage.MalformedMessageException e) {
            return false;
        }
        Optional<String> pan = message.field(PAN);
        Optional<String> block = message.field(PIN_BLOCK);
        if (pan.isEmpty() || block.isEmpty()) {
            return false;
        }
        String expected = issuerPinsByPan.get(pan.get());
        if (expected == null) {
            return false;
        }
        String entered;
        try {
            entered = PinBlock.decrypt(block.get(), pan.get(), pinKeyHex);
        } catch (RuntimeException e) {
            // not hex, wrong length or not a format 0 block: the issuer reads it as a wrong PIN
            return false;
        }
        return MessageDigest.isEqual(entered.getBytes(StandardCharsets.US_ASCII), expected.getBytes(StandardCharsets.US_ASCII));
    }
}
