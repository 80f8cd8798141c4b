package io.switchboard.loadtest.gatling;

import io.gatling.core.action.Action;
import io.gatling.core.structure.ScenarioContext;
import io.gatling.javaapi.core.ActionBuilder;

import java.util.function.BiFunction;

/**
 * Makes one of our actions usable in the Java DSL ({@code exec(Xmpp.connect())}): Gatling's Java
 * {@link ActionBuilder} is a view of a Scala builder, which creates the action once per scenario
 * with its context and the action that follows it.
 */
final class XmppActionBuilder implements ActionBuilder {
    private final BiFunction<ScenarioContext, Action, Action> factory;

    XmppActionBuilder(BiFunction<ScenarioContext, Action, Action> factory) {
        this.factory = factory;
    }

    @Override
    public io.gatling.core.action.builder.ActionBuilder asScala() {
        return factory::apply;
    }
}
