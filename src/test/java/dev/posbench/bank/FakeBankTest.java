package dev.posbench.bank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.posbench.BadInputException;
import dev.posbench.channel.HostDialect;
import dev.posbench.channel.IsoMessage;
import dev.posbench.channel.MessageMac;
import dev.posbench.channel.PinBlock;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bank over real HTTP, with the mapping files of bench-config/bank. */
class FakeBankTest {

    static final String PIN_KEY = "0123456789ABCDEFFEDCBA9876543210";
    static final String MAC_KEY = "00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF";
    static final String PAN = "6212345678901232";
    static final String OTHER_PAN = "6225881234567898";
    static final String PIN = "2468";
    static final String MASKED_PAN = "621234******1232";
    static final Path BASE = Path.of("bench-config/bank/base");
    static final Path ANSWERS = Path.of("bench-config/bank/answers");

    static FakeBank bank;
    static HttpClient http;
    int stan;

    @BeforeAll
    static void startBank() {
        bank = FakeBank.start(spec(0, BASE, ANSWERS), Map.of(PAN, PIN));
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
    }

    @AfterAll
    static void stopBank() {
        bank.close();
        http.close();
    }

    @BeforeEach
    void freshScenario() {
        bank.reset();
    }

    static BankSpec spec(int port, Path base, Path answers) {
        return new BankSpec(port, "/iso8583", PIN_KEY, MAC_KEY, base, answers);
    }

    IsoMessage authorization(String pan, String pin, String entryMode) {
        Map<Integer, String> f = new TreeMap<>();
        f.put(2, pan);
        f.put(3, "000000");
        f.put(4, "000000012345");
        f.put(11, "%06d".formatted(++stan));
        f.put(14, "2912");
        f.put(22, entryMode);
        f.put(35, pan + "D29121011234567");
        f.put(41, "POSB0001");
        f.put(42, "MERCHANT0000001");
        f.put(49, "156");
        if (pin != null) {
            f.put(52, PinBlock.encrypt(pin, pan, PIN_KEY));
        }
        return MessageMac.sign(new IsoMessage("0100", f), MAC_KEY);
    }

    /** A request changed after signing carries a wrong MAC (answered A0): signed again, as a terminal does. */
    static IsoMessage resigned(IsoMessage changed) {
        return MessageMac.sign(changed.without(64), MAC_KEY);
    }

    IsoMessage authorization(String pin) {
        return authorization(PAN, pin, "051");
    }

    HttpResponse<String> postRaw(String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(bank.url())
                        .header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    IsoMessage post(IsoMessage request) throws Exception {
        HttpResponse<String> response = postRaw(request.toJson());
        assertEquals(200, response.statusCode(), response.body());
        return IsoMessage.parse(response.body());
    }

    String code(IsoMessage answer) {
        return answer.field(39).orElse("(no 39)");
    }

    @Test
    void baseApprovesEchoingTheRequestUnderAValidMac() throws Exception {
        IsoMessage request = authorization(PIN);
        IsoMessage answer = post(request);

        assertEquals("0110", answer.mti());
        assertEquals("00", code(answer));
        assertTrue(answer.field(38).orElse("").matches("\\d{6}"), "approval code: " + answer);
        for (int n : new int[] {3, 4, 11, 41, 42}) {
            assertEquals(request.field(n), answer.field(n), "echo of field " + n);
        }
        assertFalse(answer.field(2).isPresent(), "the answer does not carry the PAN");
        assertTrue(MessageMac.verify(answer, MAC_KEY), "MAC of " + answer);
        assertFalse(MessageMac.verify(answer, MAC_KEY.replace('0', '1')), "the MAC is under the bank's key");
    }

    @Test
    void baseAcceptsReversalsAndSignOns() throws Exception {
        IsoMessage reversal = MessageMac.sign(new IsoMessage("0400", Map.of(2, PAN, 3, "000000", 4, "000000012345",
                11, "000042", 39, "98", 41, "POSB0001", 42, "MERCHANT0000001")), MAC_KEY);
        IsoMessage reversalAnswer = post(reversal);
        assertEquals("0410", reversalAnswer.mti());
        assertEquals("00", code(reversalAnswer));
        assertEquals(reversal.field(11), reversalAnswer.field(11));

        IsoMessage signOn = new IsoMessage("0800", Map.of(11, "000777", 41, "POSB0001", 42, "MERCHANT0000001"));
        IsoMessage signOnAnswer = post(MessageMac.sign(signOn, MAC_KEY));
        assertEquals("0810", signOnAnswer.mti());
        assertEquals("00", code(signOnAnswer));
        assertTrue(MessageMac.verify(signOnAnswer, MAC_KEY));
        assertEquals(List.of("0400"), bank.requests("0400").stream().map(IsoMessage::mti).toList());
    }

    @Test
    void aMessageTypeTheBankDoesNotHandleIsAnsweredFormatError() throws Exception {
        IsoMessage answer = post(new IsoMessage("0200", Map.of(3, "000000", 11, "000043", 41, "POSB0001")));
        assertEquals("0210", answer.mti());
        assertEquals("30", code(answer));
        assertEquals("000043", answer.field(11).orElseThrow());
    }

    @Test
    void answer55DeclinesUnderAValidMac() throws Exception {
        bank.answer("55");
        IsoMessage answer = post(authorization(PIN));
        assertEquals("55", code(answer));
        assertFalse(answer.field(38).isPresent(), "no approval code on a decline");
        assertTrue(MessageMac.verify(answer, MAC_KEY));
    }

    @Test
    void everyResponseCodeAnswerAnswersWithItsCode() throws Exception {
        List<String> codes = bank.answers().stream().filter(n -> n.matches("[0-9A-Z]{2}")).toList();
        assertTrue(codes.containsAll(List.of("05", "03", "97", "54", "41", "43", "62", "57", "58", "61", "65", "59",
                "14", "15", "78", "21", "46", "51", "55", "91", "92", "98", "96", "90", "A0", "99")), codes.toString());
        for (String c : codes) {
            bank.reset();
            bank.answer(c);
            IsoMessage answer = post(authorization(PIN));
            assertEquals(c, code(answer), "answer file " + c);
            assertTrue(MessageMac.verify(answer, MAC_KEY), "MAC in answer file " + c);
        }
        bank.reset();
        bank.answer("unknown-code");
        assertEquals("Q7", code(post(authorization(PIN))));
    }

    @Test
    void badMacAnswerFailsVerification() throws Exception {
        bank.answer("bad-mac");
        IsoMessage answer = post(authorization(PIN));
        assertEquals("00", code(answer));
        assertTrue(answer.field(64).isPresent());
        assertFalse(MessageMac.verify(answer, MAC_KEY));
    }

    @Test
    void noEchoAnswerCarriesAnotherStan() throws Exception {
        bank.answer("no-echo");
        IsoMessage request = authorization(PIN);
        IsoMessage answer = post(request);
        assertEquals("999999", answer.field(11).orElseThrow());
        assertNotEquals(request.field(11), answer.field(11));
        assertEquals(request.field(41), answer.field(41), "only the STAN differs");
        assertTrue(MessageMac.verify(answer, MAC_KEY), "signed all the same: only the echo is wrong");
    }

    @Test
    void malformedAnswerIsNotTheDialect() throws Exception {
        bank.answer("malformed");
        HttpResponse<String> response = postRaw(authorization(PIN).toJson());
        assertEquals(200, response.statusCode());
        assertThrows(IsoMessage.MalformedMessageException.class, () -> IsoMessage.parse(response.body()));
    }

    @Test
    void resetFaultBreaksTheConnection() {
        bank.answer("reset");
        IOException failure = assertThrows(IOException.class, () -> postRaw(authorization(PIN).toJson()));
        assertFalse(failure instanceof HttpTimeoutException, "a reset, not a timeout: " + failure);
        FakeBank.Exchange exchange = bank.journal().getFirst();
        assertEquals("CONNECTION_RESET_BY_PEER", exchange.fault().orElseThrow());
        assertEquals("0100", exchange.request().orElseThrow().mti(), "the request did reach the bank");
    }

    @Test
    void noAnswerIsJournaledOnArrivalWithItsDelay() {
        bank.answer("no-answer");
        CompletableFuture<HttpResponse<String>> call = http.sendAsync(HttpRequest.newBuilder(bank.url())
                        .timeout(Duration.ofMillis(1500)) // the reference terminal's host timeout
                        .POST(HttpRequest.BodyPublishers.ofString(authorization(PIN).toJson())).build(),
                HttpResponse.BodyHandlers.ofString());

        // held past the 1500 ms host timeout by a second; recorded before that: a 2 s wait would fail otherwise
        FakeBank.Exchange exchange = bank.awaitRequest(m -> m.mti().equals("0100"), Duration.ofSeconds(2), "the authorization");
        assertEquals(Duration.ofMillis(2500), exchange.delay());
        assertEquals("00", exchange.response().flatMap(r -> r.field(39)).orElseThrow(), "the late answer is an approval");

        ExecutionException timeout = assertThrows(ExecutionException.class, () -> call.get(10, TimeUnit.SECONDS));
        assertInstanceOf(HttpTimeoutException.class, timeout.getCause());
        assertTrue(bank.renderJournal().contains("held back 2500 ms"), bank.renderJournal());
    }

    @Test
    void aRequestWithAWrongMacIsAnsweredA0WhateverTheMapping() throws Exception {
        IsoMessage signed = authorization(PIN);
        IsoMessage tampered = signed.with(4, "000000099999");
        IsoMessage answer = post(tampered);
        assertEquals("A0", code(answer));
        assertTrue(MessageMac.verify(answer, MAC_KEY), "the A0 is signed");
        assertEquals("00", code(post(signed.with(11, "000999").without(64))), "no MAC, nothing to check");
    }

    @Test
    void slowButInTimeAnswersWithinTheTimeout() throws Exception {
        bank.answer("slow-but-in-time");
        long start = System.nanoTime();
        IsoMessage answer = post(authorization(PIN));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals("00", code(answer));
        assertTrue(millis >= 1000 && millis < 1500, "answered after " + millis + " ms: half a second before the 1500 ms host timeout");
    }

    @Test
    void pinTryCounterApprovesTheRightPin() throws Exception {
        bank.answer("pin-try-counter");
        assertEquals("00", code(post(authorization(PIN))));
        assertEquals("00", code(post(authorization(PIN))), "a right PIN counts nothing");
    }

    @Test
    void pinTryCounterLocksOnTheThirdWrongPin() throws Exception {
        bank.answer("pin-try-counter");
        assertEquals("55", code(post(authorization("1111"))));
        assertEquals("55", code(post(authorization("1111"))));
        assertEquals("75", code(post(authorization("1111"))));
        assertEquals("75", code(post(authorization(PIN))), "locked: the right PIN is refused too");
    }

    @Test
    void pinTryCounterClearsOnARightPinAndCountsAMissingPinBlock() throws Exception {
        bank.answer("pin-try-counter");
        assertEquals("55", code(post(authorization("1111"))));
        assertEquals("55", code(post(authorization("1111"))));
        assertEquals("00", code(post(authorization(PIN))), "right PIN before the lock");
        assertEquals("55", code(post(authorization(null))), "no PIN block is a wrong PIN");
        assertEquals("55", code(post(authorization(OTHER_PAN, PIN, "051"))), "a card the issuer has no PIN for");
        assertEquals("75", code(post(authorization("1111"))), "third wrong in a row since the right one");
    }

    @Test
    void resetRestoresTheBaseAndTheScenarios() throws Exception {
        bank.answer("pin-try-counter");
        for (int i = 0; i < 3; i++) {
            post(authorization("1111"));
        }
        bank.answer("55");
        assertEquals("55", code(post(authorization(PIN))));
        assertFalse(bank.journal().isEmpty());

        bank.reset();
        assertTrue(bank.journal().isEmpty());
        assertEquals("00", code(post(authorization(PIN))), "answers gone");
        bank.answer("pin-try-counter");
        assertEquals("00", code(post(authorization(PIN))), "the try counter starts over");
    }

    @Test
    void signOnRequiredUntilTheTerminalSignsOn() throws Exception {
        bank.answer("sign-on-required");
        assertEquals("A0", code(post(authorization(PIN))));
        assertEquals("A0", code(post(authorization(PIN))));
        IsoMessage signOn = MessageMac.sign(new IsoMessage("0800", Map.of(11, "000900", 41, "POSB0001", 42, "MERCHANT0000001")), MAC_KEY);
        assertEquals("00", code(post(signOn)));
        assertEquals("00", code(post(authorization(PIN))));
    }

    @Test
    void smsStepUpAsksForTheCodeAndChecksIt() throws Exception {
        bank.answer("sms-step-up");
        IsoMessage first = post(authorization(PIN));
        assertEquals("1A", code(first));
        assertEquals("SMS", first.field(48).orElseThrow());
        assertEquals("00", code(post(resigned(authorization(PIN).with(48, "246810")))));

        assertEquals("1A", code(post(authorization(PIN))), "the next purchase steps up again");
        assertEquals("63", code(post(resigned(authorization(PIN).with(48, "111111")))), "wrong verification code");
    }

    @Test
    void faceVerificationAndContactlessStepUp() throws Exception {
        bank.answer("face-verification");
        IsoMessage face = post(authorization(PIN));
        assertEquals("1A", code(face));
        assertEquals("FACE", face.field(48).orElseThrow());

        bank.reset();
        bank.answer("contactless-step-up");
        assertEquals("65", code(post(authorization(PAN, null, "071"))));
        assertEquals("00", code(post(authorization(PAN, PIN, "051"))));
    }

    @Test
    void reversalNoAnswerHoldsBackReversalsAndAuthorizations() {
        bank.answer("reversal-no-answer");
        IsoMessage auth = authorization(PIN);
        http.sendAsync(HttpRequest.newBuilder(bank.url()).timeout(Duration.ofMillis(500))
                .POST(HttpRequest.BodyPublishers.ofString(auth.toJson())).build(), HttpResponse.BodyHandlers.discarding());
        IsoMessage reversal = new IsoMessage("0400", Map.of(2, PAN, 3, "000000", 4, "000000012345",
                11, auth.field(11).orElseThrow(), 39, "98", 41, "POSB0001", 42, "MERCHANT0000001"));
        http.sendAsync(HttpRequest.newBuilder(bank.url()).timeout(Duration.ofMillis(500))
                .POST(HttpRequest.BodyPublishers.ofString(MessageMac.sign(reversal, MAC_KEY).toJson())).build(),
                HttpResponse.BodyHandlers.discarding());

        assertEquals(Duration.ofMillis(2500), bank.awaitRequest(m -> m.mti().equals("0100"), Duration.ofSeconds(2), "the authorization").delay());
        assertEquals(Duration.ofMillis(2500), bank.awaitRequest(m -> m.mti().equals("0400"), Duration.ofSeconds(2), "the reversal").delay());
    }

    /**
     * The same mappings for a terminal that waits 30 s: the holds follow its timeout. The journal
     * records a request before its hold, so this needs no 30 s wait.
     */
    @Test
    void holdsFollowTheTerminalsHostTimeout() {
        try (FakeBank slow = FakeBank.start(spec(0, BASE, ANSWERS), new HostDialect.JsonHttp(), Duration.ofSeconds(30),
                Map.of(PAN, PIN))) {
            for (String answer : List.of("no-answer", "slow-but-in-time", "reversal-no-answer")) {
                slow.reset();
                slow.answer(answer);
                http.sendAsync(HttpRequest.newBuilder(slow.url()).timeout(Duration.ofMillis(200))
                        .POST(HttpRequest.BodyPublishers.ofString(authorization(PIN).toJson())).build(),
                        HttpResponse.BodyHandlers.discarding());
                Duration held = slow.awaitRequest(m -> m.mti().equals("0100"), Duration.ofSeconds(2), "the authorization").delay();
                assertEquals(answer.equals("slow-but-in-time") ? Duration.ofSeconds(27) : Duration.ofSeconds(36), held, answer);
            }
        }
    }

    @Test
    void aSlowButInTimeHoldIsNinetyPercentButLeavesShortTimeoutsHalfASecond() {
        assertEquals(Duration.ofSeconds(54), IsoAnswer.hold("near-host-timeout", Duration.ofSeconds(60)));
        assertEquals(Duration.ofMillis(4500), IsoAnswer.hold("near-host-timeout", Duration.ofSeconds(5)));
        assertEquals(Duration.ofMillis(1000), IsoAnswer.hold("near-host-timeout", Duration.ofMillis(1500)));
        assertEquals(Duration.ofMillis(600), IsoAnswer.hold("near-host-timeout", Duration.ofMillis(900)),
                "never below two thirds: a terminal that gives up at half its timeout still fails");
        assertEquals(Duration.ofMillis(2500), IsoAnswer.hold("past-host-timeout", Duration.ofMillis(1500)));
        assertEquals(Duration.ofSeconds(72), IsoAnswer.hold("past-host-timeout", Duration.ofSeconds(60)));
    }

    @Test
    void unknownAnswerNameListsTheAvailableOnes() {
        BadInputException e = assertThrows(BadInputException.class, () -> bank.answer("no-such-thing"));
        assertEquals(ANSWERS + "/no-such-thing.json", e.where());
        assertTrue(e.getMessage().contains("available: 03, 05, 14,"), e.getMessage());
        assertTrue(e.getMessage().contains("pin-try-counter"), e.getMessage());
    }

    @Test
    void awaitRequestReturnsWhenARequestArrivesFromAnotherThread() throws Exception {
        CompletableFuture<IsoMessage> answer = CompletableFuture.supplyAsync(() -> {
            try {
                return post(MessageMac.sign(new IsoMessage("0800", Map.of(11, "000321", 41, "POSB0001", 42, "MERCHANT0000001")), MAC_KEY));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, Thread::startVirtualThread);
        FakeBank.Exchange exchange = bank.awaitRequest(m -> m.mti().equals("0800"), Duration.ofSeconds(5), "a sign-on (0800)");
        assertEquals("000321", exchange.request().orElseThrow().field(11).orElseThrow());
        assertEquals(200, exchange.status());
        assertEquals("0810", exchange.response().orElseThrow().mti());
        assertEquals("00", code(answer.get(5, TimeUnit.SECONDS)));
    }

    @Test
    void awaitRequestTimesOutNamingWhatWasExpectedAndWhatCame() throws Exception {
        post(authorization(PIN));
        long start = System.nanoTime();
        AssertionError e = assertThrows(AssertionError.class,
                () -> bank.awaitRequest(m -> m.mti().equals("0400"), Duration.ofMillis(300), "a reversal (0400)"));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(300), "waited the whole timeout");
        assertTrue(e.getMessage().contains("a reversal (0400)"), e.getMessage());
        assertTrue(e.getMessage().contains("1 request(s)"), e.getMessage());
        assertTrue(e.getMessage().contains("0100 2=" + MASKED_PAN), e.getMessage());
        assertFalse(e.getMessage().contains(PAN), e.getMessage());
    }

    @Test
    void renderJournalMasksPansAndHidesThePinBlock() throws Exception {
        IsoMessage request = authorization(PIN);
        post(request);
        postRaw("card " + PAN + " is not a message, \"52\":\"" + request.field(52).orElseThrow() + "\"");

        String text = bank.renderJournal();
        assertTrue(text.contains("2=" + MASKED_PAN), text);
        assertTrue(text.contains("52=[PIN block]"), text);
        assertTrue(text.contains("HTTP 200 0110"), text);
        assertTrue(text.contains("(not the dialect) card " + MASKED_PAN), text);
        assertTrue(text.contains("HTTP 400"), "the bank refuses a request it cannot read: " + text);
        assertFalse(text.contains(PAN), text);
        assertFalse(text.contains(request.field(52).orElseThrow()), text);
        assertFalse(bank.journal().getFirst().toString().contains(PAN), "an exchange prints masked");
    }

    @Test
    void refusedConnectionsThenAcceptedOnTheSamePort() throws Exception {
        var url = bank.url();
        bank.refuseConnections();
        IOException refused = assertThrows(IOException.class, () -> postRaw(authorization(PIN).toJson()));
        assertInstanceOf(ConnectException.class, refused, refused.toString());
        bank.acceptConnections();
        assertEquals(url, bank.url());
        assertEquals("00", code(post(authorization(PIN))));
        assertEquals(1, bank.journal().size(), "the refused attempt never reached the bank");
    }

    @Test
    void refusingWhileAnAnswerIsHeldBackLeavesTheBankUsable() throws Exception {
        bank.answer("no-answer");
        http.sendAsync(HttpRequest.newBuilder(bank.url()).timeout(Duration.ofMillis(1500))
                .POST(HttpRequest.BodyPublishers.ofString(authorization(PIN).toJson())).build(), HttpResponse.BodyHandlers.discarding());
        bank.awaitRequest(m -> m.mti().equals("0100"), Duration.ofSeconds(3), "the authorization");
        long start = System.nanoTime();
        bank.refuseConnections();
        long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(stopMillis < 3000, "stopping does not wait out the held-back answer: " + stopMillis + " ms");
        bank.reset(); // listens again
        assertEquals("00", code(post(authorization(PIN))));
    }

    @Test
    void faultyMappingFilesAreBadInputNamingTheFile(@TempDir Path dir) throws Exception {
        Path base = Files.createDirectories(dir.resolve("base"));
        Path answers = Files.createDirectories(dir.resolve("answers"));
        Files.writeString(answers.resolve("greedy.json"), """
                {"name": "wins over nothing", "priority": 150,
                 "request": {"method": "POST"}, "response": {"status": 200}}""");
        Files.writeString(answers.resolve("bad-template.json"), """
                {"request": {"method": "POST"},
                 "response": {"jsonBody": {"fields": {"39": 55}}, "transformers": ["iso-answer"]}}""");
        try (FakeBank own = FakeBank.start(spec(0, base, answers), Map.of())) {
            BadInputException greedy = assertThrows(BadInputException.class, () -> own.answer("greedy"));
            assertEquals(answers.resolve("greedy.json").toString(), greedy.where());
            BadInputException template = assertThrows(BadInputException.class, () -> own.answer("bad-template"));
            assertTrue(template.getMessage().contains("field 39"), template.getMessage());
        }

        Files.writeString(base.resolve("typo.json"), """
                {"request": {"method": "POST"}, "response": {"transformers": ["iso-anwser"]}}""");
        BadInputException typo = assertThrows(BadInputException.class, () -> FakeBank.start(spec(0, base, answers), Map.of()));
        assertEquals(base.resolve("typo.json").toString(), typo.where());
        assertTrue(typo.getMessage().contains("iso-anwser"), typo.getMessage());
    }
}
