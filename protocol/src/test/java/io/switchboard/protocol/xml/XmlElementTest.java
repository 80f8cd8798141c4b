package io.switchboard.protocol.xml;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class XmlElementTest {

    private static XmlElement message() {
        return XmlElement.builder("message", Namespaces.CLIENT)
                .attribute("to", "romeo@example.net")
                .attribute("from", "juliet@example.com/balcony")
                .attribute("type", "chat")
                .attribute("id", "m1")
                .element("body", null, b -> b.text("Wherefore art thou?"))
                .element("thread", null, b -> b.text("e0ffe42b"))
                .child(XmlElement.of("active", "http://jabber.org/protocol/chatstates"))
                .build();
    }

    @Test
    void builder_sets_name_namespace_attributes_and_children() {
        XmlElement m = message();
        assertThat(m.name()).isEqualTo("message");
        assertThat(m.namespace()).isEqualTo(Namespaces.CLIENT);
        assertThat(m.attribute("to")).isEqualTo("romeo@example.net");
        assertThat(m.attribute("missing")).isNull();
        assertThat(m.children()).hasSize(3);
        assertThat(m.elements()).extracting(XmlElement::name).containsExactly("body", "thread", "active");
    }

    @Test
    void attributes_keep_insertion_order() {
        assertThat(message().attributes().keySet()).containsExactly("to", "from", "type", "id");
    }

    @Test
    void builder_ignores_null_attribute_values_and_null_or_empty_text() {
        XmlElement e = XmlElement.builder("presence", Namespaces.CLIENT)
                .attribute("type", null).text(null).text("").build();
        assertThat(e.attributes()).isEmpty();
        assertThat(e.children()).isEmpty();
    }

    @Test
    void nested_builder_element_without_namespace_inherits_the_parent_namespace() {
        XmlElement m = message();
        assertThat(m.child("body", Namespaces.CLIENT)).isNotNull();
        XmlElement iq = XmlElement.builder("iq", Namespaces.CLIENT)
                .element("query", Namespaces.DISCO_INFO, q -> q.element("feature", null, f -> f.attribute("var", "x")))
                .build();
        assertThat(iq.child("query", Namespaces.DISCO_INFO).child("feature", Namespaces.DISCO_INFO)).isNotNull();
    }

    @Test
    void builder_text_element_and_child_builder_conveniences() {
        XmlElement e = XmlElement.builder("iq", Namespaces.CLIENT)
                .child(XmlElement.builder("query", Namespaces.VERSION).textElement("name", "Switchboard"))
                .build();
        assertThat(e.child("query", Namespaces.VERSION).childText("name", Namespaces.VERSION)).isEqualTo("Switchboard");
    }

    @Test
    void builder_can_be_reused_after_build_without_affecting_built_elements() {
        XmlElement.Builder b = XmlElement.builder("x", "urn:x").attribute("a", "1");
        XmlElement first = b.build();
        b.attribute("b", "2").text("t");
        assertThat(first.attributes()).containsOnlyKeys("a");
        assertThat(first.children()).isEmpty();
        assertThat(b.build().attributes()).containsOnlyKeys("a", "b");
    }

    @Test
    void of_creates_an_empty_element_and_null_namespace_means_none() {
        XmlElement e = XmlElement.of("starttls", null);
        assertThat(e.namespace()).isEmpty();
        assertThat(e.attributes()).isEmpty();
        assertThat(e.children()).isEmpty();
    }

    @Test
    void collections_are_unmodifiable() {
        XmlElement m = message();
        assertThatThrownBy(() -> m.attributes().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> m.children().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> m.elements().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> m.children("body", null).clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void child_lookup_matches_name_and_namespace() {
        XmlElement m = message();
        assertThat(m.child("body", Namespaces.CLIENT).text()).isEqualTo("Wherefore art thou?");
        assertThat(m.child("body", Namespaces.SERVER)).isNull();
        assertThat(m.child("nope", Namespaces.CLIENT)).isNull();
        assertThat(m.child("active", null)).isNotNull(); // null namespace = any
    }

    @Test
    void children_by_name_returns_all_matches_in_order() {
        XmlElement m = XmlElement.builder("message", Namespaces.CLIENT)
                .attribute("type", "chat")
                .element("body", null, b -> b.attribute("xml:lang", "en").text("Hi"))
                .element("subject", null, null)
                .element("body", null, b -> b.attribute("xml:lang", "cs").text("Ahoj"))
                .build();
        assertThat(m.children("body", Namespaces.CLIENT)).extracting(XmlElement::text).containsExactly("Hi", "Ahoj");
        assertThat(m.children("body", "urn:other")).isEmpty();
    }

    @Test
    void text_concatenates_direct_text_children_only() {
        XmlElement e = XmlElement.builder("p", "urn:x")
                .text("a").child(XmlElement.builder("b", "urn:x").text("NOT").build()).text("c").build();
        assertThat(e.text()).isEqualTo("ac");
        assertThat(XmlElement.of("empty", "urn:x").text()).isEmpty();
    }

    @Test
    void child_text_is_null_without_child_and_empty_for_empty_child() {
        XmlElement e = XmlElement.builder("m", "urn:x").element("empty", null, null).build();
        assertThat(e.childText("empty", "urn:x")).isEmpty();
        assertThat(e.childText("absent", "urn:x")).isNull();
    }

    @Test
    void with_attribute_returns_a_modified_copy_and_leaves_the_original_alone() {
        XmlElement m = message();
        XmlElement changed = m.withAttribute("from", "im.example.com");
        assertThat(changed.attribute("from")).isEqualTo("im.example.com");
        assertThat(m.attribute("from")).isEqualTo("juliet@example.com/balcony");
        // replaced in place: order unchanged
        assertThat(changed.attributes().keySet()).containsExactly("to", "from", "type", "id");
        assertThat(m.withAttribute("new", "v").attributes().keySet()).containsExactly("to", "from", "type", "id", "new");
    }

    @Test
    void with_attribute_null_removes_and_without_attribute_removes() {
        XmlElement m = message();
        assertThat(m.withAttribute("type", null).attributes()).doesNotContainKey("type");
        assertThat(m.withoutAttribute("id").attributes()).doesNotContainKey("id");
        assertThat(m.withoutAttribute("absent")).isSameAs(m);
        assertThat(m.attributes()).containsKeys("type", "id");
    }

    @Test
    void with_children_replaces_and_with_child_appends() {
        XmlElement m = message();
        XmlElement replaced = m.withChildren(List.of(XmlElement.of("x", "urn:x")));
        assertThat(replaced.elements()).extracting(XmlElement::name).containsExactly("x");
        XmlElement appended = m.withChild(XmlElement.of("delay", Namespaces.DELAY));
        assertThat(appended.elements()).extracting(XmlElement::name).containsExactly("body", "thread", "active", "delay");
        assertThat(m.children()).hasSize(3);
        assertThat(replaced.attributes()).isEqualTo(m.attributes());
    }

    @Test
    void adjacent_text_nodes_are_merged_and_empty_ones_dropped() {
        XmlElement viaBuilder = XmlElement.builder("body", "urn:x").text("ab").text("cd").build();
        XmlElement viaWith = XmlElement.of("body", "urn:x").withChild(new XmlText("ab")).withChild(new XmlText(""))
                .withChild(new XmlText("cd"));
        XmlElement viaList = XmlElement.of("body", "urn:x").withChildren(List.of(new XmlText("a"), new XmlText("bcd")));
        assertThat(viaBuilder.children()).containsExactly(new XmlText("abcd"));
        assertThat(viaWith).isEqualTo(viaBuilder);
        assertThat(viaList).isEqualTo(viaBuilder);
    }

    @Test
    void equality_is_structural_and_ignores_attribute_order() {
        XmlElement a = XmlElement.builder("iq", Namespaces.CLIENT).attribute("id", "1").attribute("type", "get").build();
        XmlElement b = XmlElement.builder("iq", Namespaces.CLIENT).attribute("type", "get").attribute("id", "1").build();
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(message()).isEqualTo(message()).hasSameHashCodeAs(message());
    }

    @Test
    void elements_differing_in_namespace_attribute_or_child_are_not_equal() {
        XmlElement base = XmlElement.builder("iq", Namespaces.CLIENT).attribute("id", "1").build();
        assertThat(base).isNotEqualTo(XmlElement.builder("iq", Namespaces.SERVER).attribute("id", "1").build());
        assertThat(base).isNotEqualTo(base.withAttribute("id", "2"));
        assertThat(base).isNotEqualTo(base.withChild(new XmlText(" ")));
        assertThat(base).isNotEqualTo(null).isNotEqualTo("iq");
    }

    @Test
    void to_string_is_the_serialized_form() {
        assertThat(message().toString()).isEqualTo(message().toXml());
    }

    @Test
    void to_builder_copies_everything() {
        XmlElement m = message();
        assertThat(m.toBuilder().build()).isEqualTo(m);
        assertThat(m.toBuilder().text("x").build().children()).hasSize(4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "a b", "1abc", "-a", "a:b", "a>", "a'", "a/b", "<a"})
    void invalid_element_names_are_rejected(String name) {
        assertThatThrownBy(() -> XmlElement.of(name, "urn:x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> XmlElement.builder(name, "urn:x")).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"données", "_x", "a-b.c_1", "\u65e5\u672c"})
    void non_ascii_and_punctuated_names_are_accepted(String name) {
        assertThat(XmlElement.of(name, "urn:x").name()).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "xmlns", "xmlns:foo", "a b", "x:y", "xml:", "{}x", "{urn:x}", "{urn:x}a:b",
            "{http://www.w3.org/2000/xmlns/}foo", "a='b"})
    void invalid_attribute_keys_are_rejected(String key) {
        assertThatThrownBy(() -> XmlElement.builder("x", "urn:x").attribute(key, "v"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> XmlElement.of("x", "urn:x").withAttribute(key, "v"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void xml_namespace_attribute_keys_are_canonicalized_to_the_xml_prefix() {
        XmlElement e = XmlElement.builder("body", "urn:x").attribute("{" + Namespaces.XML + "}lang", "en").build();
        assertThat(e.attributes()).containsOnlyKeys("xml:lang");
        assertThat(e.withAttribute("xml:space", "preserve").attribute("xml:space")).isEqualTo("preserve");
    }

    @Test
    void namespaced_attribute_keys_use_clark_notation() {
        XmlElement e = XmlElement.builder("x", "urn:x").attribute("{urn:other}flag", "1").build();
        assertThat(e.attribute("{urn:other}flag")).isEqualTo("1");
    }

    @Test
    void null_children_are_rejected() {
        assertThatThrownBy(() -> XmlElement.of("x", "urn:x").withChild(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new XmlText(null)).isInstanceOf(NullPointerException.class);
    }
}
