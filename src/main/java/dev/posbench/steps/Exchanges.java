package dev.posbench.steps;

import dev.posbench.bank.FakeBank.Exchange;
import dev.posbench.channel.IsoMessage;
import dev.posbench.channel.MessageMac;
import java.time.Duration;
import java.util.List;

/**
 * How the bench judges the bank journal, by the rules a correct terminal must apply: an answer
 * counts only when it arrived in time, is readable, echoes the request and carries a good MAC.
 */
final class Exchanges {

    private Exchanges() {}

    /** Whether the terminal got a definitive answer to this request (so nothing is owed for it). */
    static boolean definitive(Exchange e, String macKeyHex, Duration hostTimeout) {
        if (e.fault().isPresent() || e.status() != 200 || e.delay().compareTo(hostTimeout) >= 0
                || e.request().isEmpty() || e.response().isEmpty()) {
            return false;
        }
        IsoMessage request = e.request().get();
        IsoMessage answer = e.response().get();
        String expectedMti = String.format("%04d", Integer.parseInt(request.mti()) + 10);
        return answer.mti().equals(expectedMti)
                && answer.field(11).equals(request.field(11))
                && answer.field(41).equals(request.field(41))
                && MessageMac.verify(answer, macKeyHex);
    }

    static boolean approved(Exchange e, String macKeyHex, Duration hostTimeout) {
        return definitive(e, macKeyHex, hostTimeout)
                && e.response().flatMap(r -> r.field(39)).filter("00"::equals).isPresent();
    }

    /** When the bank sent its answer: on arrival, unless it held the answer back. */
    static java.time.Instant answeredAt(Exchange e) {
        return e.at().plus(e.delay());
    }

    static boolean is(Exchange e, String mti) {
        return e.request().map(r -> r.mti().equals(mti)).orElse(false);
    }

    static List<Exchange> of(List<Exchange> journal, String mti) {
        return journal.stream().filter(e -> is(e, mti)).toList();
    }
}
