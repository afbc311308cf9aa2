package dev.posbench.emulator;

import dev.posbench.channel.IsoMessage;
import java.net.ConnectException;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Optional;

/**
 * The terminal's link to the bank: one message out, one answer back, and the trust checks on that
 * answer. Waiting happens on the firmware's event loop, so the cardholder's doings (a pulled card)
 * and a power cut are seen while the bank thinks.
 */
final class Host {

    /** Why an exchange gave no usable answer: what the terminal shows, and the reversal reason it owes. */
    enum Failure {
        /** The connection was refused or never made: nothing reached the bank, nothing to reverse. */
        UNREACHABLE(Screen.HOST_UNREACHABLE, Optional.empty()),
        TIMEOUT(Screen.COMM_TIMEOUT, Optional.of("98")),
        /** The connection broke after the request went out. */
        BROKEN(Screen.COMM_ERROR, Optional.of("98")),
        UNREADABLE(Screen.COMM_ERROR, Optional.of("08")),
        BAD_MAC(Screen.COMM_ERROR, Optional.of("A0")),
        NO_ECHO(Screen.COMM_ERROR, Optional.of("08"));

        final Screen screen;
        final Optional<String> reversalReason;

        Failure(Screen screen, Optional<String> reversalReason) {
            this.screen = screen;
            this.reversalReason = reversalReason;
        }
    }

    sealed interface Reply {
        /** An answer that passed every check; field 39 is present. */
        record Valid(IsoMessage answer) implements Reply {
            String responseCode() {
                return answer.field(39).orElseThrow();
            }
        }

        record Failed(Failure failure) implements Reply {}
    }

    private final Firmware firmware;
    private final Settings settings;
    private final Wire wire;
    private final Flash flash;
    private long exchanges;

    Host(Firmware firmware, Settings settings, Wire wire, Flash flash) {
        this.firmware = firmware;
        this.settings = settings;
        this.wire = wire;
        this.flash = flash;
    }

    /** Signs and sends one request (as the dialect's {@link Wire} does) and waits for its answer, at most the host timeout. */
    Reply exchange(IsoMessage request) {
        Duration timeout = settings.has(Defect.GIVE_UP_EARLY) ? settings.host().dividedBy(2) : settings.host();
        long id = ++exchanges;
        firmware.log("SEND " + request.mti() + " STAN " + request.field(11).orElse("-"));
        try {
            wire.send(id, request, timeout, firmware::post);
        } catch (IllegalArgumentException e) {
            // the message does not fit the dialect's field table: nothing left the terminal
            return failed(Failure.UNREACHABLE, "cannot pack the request: " + e.getMessage());
        }
        if (settings.has(Defect.EARLY_APPROVAL) && request.mti().equals(IsoMessage.AUTHORIZATION)) {
            firmware.show(Screen.APPROVED);
        }
        Deadline deadline = Deadline.after(timeout);
        try {
            while (true) {
                Input in = firmware.next(deadline);
                switch (in) {
                    case Input.Expired e -> {
                        return failed(Failure.TIMEOUT, "no answer within " + timeout.toMillis() + " ms");
                    }
                    case Input.HostAnswered a when a.exchange() == id -> {
                        return validate(request, a);
                    }
                    case Input.HostFailed f when f.exchange() == id -> {
                        Failure failure = classify(f.cause());
                        if (failure == Failure.UNREACHABLE && settings.has(Defect.REFUSED_AS_TIMEOUT)) {
                            failure = Failure.TIMEOUT;
                        }
                        return failed(failure, f.cause().toString());
                    }
                    default -> {
                        // a card pulled meanwhile is noted by the loop; keys and late answers of abandoned exchanges do not matter
                    }
                }
            }
        } finally {
            abort();
        }
    }

    /**
     * Sends the reversal owed, if any, retrying at once up to the configured count; a valid 0410
     * settles it. Empty when nothing is owed any more; otherwise the last failure (the reversal
     * stays owed and goes out before the next authorization).
     */
    Optional<Failure> sendOwedReversal() {
        Optional<Flash.Reversal> owed = flash.owed();
        if (owed.isEmpty()) {
            return Optional.empty();
        }
        Flash.Reversal reversal = owed.get();
        int attempts = settings.has(Defect.DROP_UNANSWERED_REVERSAL) ? 1 : 1 + settings.reversalRetries();
        Failure last = Failure.TIMEOUT;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            firmware.log("REVERSAL STAN " + reversal.original().field(11).orElse("-") + " REASON " + reversal.reason()
                    + " ATTEMPT " + attempt);
            Reply reply = exchange(Dialect.reversal(settings, reversal));
            if (reply instanceof Reply.Valid) {
                flash.settle();
                firmware.log("REVERSAL ACCEPTED");
                return Optional.empty();
            }
            last = ((Reply.Failed) reply).failure();
        }
        if (settings.has(Defect.DROP_UNANSWERED_REVERSAL)) {
            flash.settle();
            return Optional.empty();
        }
        firmware.log("REVERSAL PENDING");
        return Optional.of(last);
    }

    /** Drops the exchange in flight (power lost, terminal closed, or given up on). */
    void abort() {
        wire.abort();
    }

    private Reply validate(IsoMessage request, Input.HostAnswered answered) {
        IsoMessage answer;
        boolean macValid;
        switch (answered.answer()) {
            case Wire.Answer.Unreadable(String why) -> {
                return failed(Failure.UNREADABLE, why);
            }
            case Wire.Answer.Message(IsoMessage message, boolean valid) -> {
                answer = message;
                macValid = valid;
            }
        }
        if (!settings.has(Defect.IGNORE_MAC) && !macValid) {
            return failed(Failure.BAD_MAC, "the answer's MAC is missing or wrong");
        }
        if (!settings.has(Defect.IGNORE_ECHO) && !echoes(request, answer)) {
            return failed(Failure.NO_ECHO, "the answer does not echo the request");
        }
        if (answer.field(39).isEmpty()) {
            return failed(Failure.UNREADABLE, "the answer has no response code");
        }
        firmware.log("RECV " + answer.mti() + " STAN " + answer.field(11).orElse("-") + " CODE " + answer.field(39).get());
        return new Reply.Valid(answer);
    }

    /** The answer belongs to this request: answer MTI, same STAN and terminal, same processing code if given. */
    private boolean echoes(IsoMessage request, IsoMessage answer) {
        return (answer.mti().equals(Dialect.answerMti(request)) || settings.has(Defect.IGNORE_MTI_ECHO))
                && answer.field(11).equals(request.field(11))
                && (answer.field(41).equals(request.field(41)) || settings.has(Defect.IGNORE_TERMINAL_ID_ECHO))
                && (answer.field(3).isEmpty() || answer.field(3).equals(request.field(3)));
    }

    private Reply failed(Failure failure, String why) {
        firmware.log("HOST " + failure + ": " + why);
        return new Reply.Failed(failure);
    }

    static Failure classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof SocketTimeoutException
                    || t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
                return Failure.UNREACHABLE;
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ProtocolException) {
                return Failure.UNREADABLE; // bytes came back, but not HTTP
            }
        }
        return Failure.BROKEN;
    }
}
