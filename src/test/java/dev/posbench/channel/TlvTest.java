package dev.posbench.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TlvTest {

    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    @Test
    void aPrimitiveObjectIsTagLengthValue() {
        assertEquals("5A084761739001010119", HEX.formatHex(Tlv.of(0x5A, HEX.parseHex("4761739001010119"))));
        assertEquals("9F170103", HEX.formatHex(Tlv.of(0x9F17, new byte[] {3})));
        assertEquals("5F2403301231", HEX.formatHex(Tlv.of(0x5F24, HEX.parseHex("301231"))));
    }

    @Test
    void aConstructedObjectsValueIsItsChildrenOneAfterTheOther() {
        byte[] template = Tlv.of(0x77, Tlv.of(0x82, HEX.parseHex("1800")), Tlv.of(0x94, HEX.parseHex("08010100")));
        assertEquals("770A82021800940408010100", HEX.formatHex(template));
    }

    @Test
    void lengthsTakeTheShortestOfTheThreeFormsEmvUses() {
        assertEquals("017F", HEX.formatHex(Tlv.of(0x01, new byte[0x7F])).substring(0, 4));
        assertEquals("018180", HEX.formatHex(Tlv.of(0x01, new byte[0x80])).substring(0, 6));
        assertEquals("0181FF", HEX.formatHex(Tlv.of(0x01, new byte[0xFF])).substring(0, 6));
        assertEquals("01820100", HEX.formatHex(Tlv.of(0x01, new byte[0x100])).substring(0, 8));
        assertEquals(0x100, Tlv.parse(Tlv.of(0x01, new byte[0x100])).getFirst().value().length);
    }

    @Test
    void parsingGivesTheTopLevelObjectsWithTheirTagsAndValues() {
        byte[] data = HEX.parseHex("9F17010357021234BF0C03870101");
        List<Tlv.Element> elements = Tlv.parse(data);
        assertEquals(List.of(new Tlv.Element(0x9F17, new byte[] {3}), new Tlv.Element(0x57, HEX.parseHex("1234")),
                new Tlv.Element(0xBF0C, HEX.parseHex("870101"))), elements);
        assertFalse(elements.get(0).constructed());
        assertTrue(elements.get(2).constructed());
    }

    @Test
    void findLooksIntoConstructedObjectsDepthFirst() {
        byte[] fci = Tlv.of(0x6F, Tlv.of(0x84, "1PAY.SYS.DDF01".getBytes(StandardCharsets.US_ASCII)),
                Tlv.of(0xA5, Tlv.of(0xBF0C, Tlv.of(0x61, Tlv.of(0x4F, HEX.parseHex("A0000000031010")),
                        Tlv.of(0x87, new byte[] {1})))));
        assertEquals("A0000000031010", HEX.formatHex(Tlv.find(fci, 0x4F).orElseThrow()));
        assertArrayEquals(new byte[] {1}, Tlv.find(fci, 0x87).orElseThrow());
        assertTrue(Tlv.find(fci, 0x5A).isEmpty());
    }

    @Test
    void findDoesNotLookIntoPrimitiveValuesThatHappenToLookLikeTlv() {
        byte[] track2 = Tlv.of(0x57, HEX.parseHex("5A0112")); // a value, not an object
        assertTrue(Tlv.find(track2, 0x5A).isEmpty());
    }

    @Test
    void theContractsExampleAnswerParses() {
        byte[] fci = HEX.parseHex("6F1A840E315041592E5359532E4444463031A5088801015F2D027A68");
        assertEquals("1PAY.SYS.DDF01", new String(Tlv.find(fci, 0x84).orElseThrow(), StandardCharsets.US_ASCII));
        assertEquals("7A68", HEX.formatHex(Tlv.find(fci, 0x5F2D).orElseThrow()));
    }

    @Test
    void zeroBytesBetweenObjectsMeanNothing() {
        assertEquals(List.of(new Tlv.Element(0x5A, new byte[] {0x12}), new Tlv.Element(0x9F17, new byte[] {3})),
                Tlv.parse(HEX.parseHex("00005A0112009F17010300")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"9F", "5A", "5A08476173", "5A81", "5A8201", "70045A0212", "5A830000010000", "5A80"})
    void dataCutShortOrInAnUnusedLengthFormIsRefused(String hex) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tlv.parse(HEX.parseHex(hex)));
        assertTrue(e.getMessage().startsWith("malformed TLV"), e.getMessage());
    }

    @Test
    void aMalformedObjectInsideATemplateIsFoundWhenFindLooksThere() {
        assertThrows(IllegalArgumentException.class, () -> Tlv.find(HEX.parseHex("70035A0512"), 0x5A));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 0x9F, 0x5A17, 0x9F8101 << 8, 0x9F01FF})
    void aTagThatCannotBeWrittenIsRefusedAtOnce(int tag) {
        assertThrows(IllegalArgumentException.class, () -> Tlv.of(tag, new byte[0]));
    }

    @Test
    void aThreeByteTagRoundTrips() {
        byte[] object = Tlv.of(0xDF8101, new byte[] {7});
        assertEquals("DF81010107", HEX.formatHex(object));
        assertEquals(List.of(new Tlv.Element(0xDF8101, new byte[] {7})), Tlv.parse(object));
    }

    @Test
    void anElementShowsItsTagAndLengthButNeverItsValue() {
        Tlv.Element pan = new Tlv.Element(0x5A, HEX.parseHex("4761739001010119"));
        assertEquals("Element[tag=5A, length=8]", pan.toString());
    }

    @Test
    void anElementsValueCannotBeChangedFromOutside() {
        byte[] value = {1, 2};
        Tlv.Element element = new Tlv.Element(0x5A, value);
        value[0] = 9;
        element.value()[1] = 9;
        assertArrayEquals(new byte[] {1, 2}, element.value());
    }
}
