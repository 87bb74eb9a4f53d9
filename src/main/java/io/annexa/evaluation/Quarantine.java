package io.annexa.evaluation;

import java.time.Instant;

/**
 * A rule switched off because it failed at run time: its consequence threw, or it fired
 * {@link EvaluationSession#FIRING_LIMIT} times in one evaluation without settling. Every other rule goes on. The
 * quarantine holds for this version of the rule and ends when a different version is deployed.
 *
 * @param ruleId  the rule (its id in rule.yml)
 * @param version {@link RuleLibrary#version} of the rule that failed
 * @param drlRule the DRL rule whose consequence threw; null when the rule looped (several of its DRL rules may)
 * @param reason  what went wrong, for the people who fix it
 * @param since   when the rule was switched off
 */
public record Quarantine(String ruleId, String version, String drlRule, String reason, Instant since) {
}
