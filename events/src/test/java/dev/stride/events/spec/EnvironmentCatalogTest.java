package dev.stride.events.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stride.events.spec.EnvironmentCatalog.Tier;
import org.junit.jupiter.api.Test;

class EnvironmentCatalogTest {

    private static final Environment QA = Environment.fromWire("qa");
    private static final Environment PERF = Environment.fromWire("perf");
    private static final Environment PROD_EU = Environment.fromWire("prod-eu");
    private static final Environment PROD_US = Environment.fromWire("prod-us");

    @Test
    void theDefaultIsTheRunbooksThreeEachItsOwnTier() {
        EnvironmentCatalog runbook = EnvironmentCatalog.runbook();

        assertThat(runbook.environments())
                .containsExactly(
                        Environment.DEVELOPMENT, Environment.STAGING, Environment.PRODUCTION);
        assertThat(runbook.tier(Environment.PRODUCTION)).contains(Tier.PRODUCTION);
        assertThat(runbook.tier(Environment.STAGING)).contains(Tier.STAGING);
        assertThat(runbook.tier(Environment.DEVELOPMENT)).contains(Tier.DEVELOPMENT);
        assertThat(runbook)
                .hasToString("development:development,staging:staging,production:production");
        assertThat(Environment.fromWire("production")).isSameAs(Environment.PRODUCTION);
    }

    @Test
    void anOrganisationsEnvironmentsKeepTheirOrderAndTiers() {
        EnvironmentCatalog catalog =
                EnvironmentCatalog.parse(
                        " qa:development, perf:staging ,prod-eu:production,prod-us:production");

        assertThat(catalog.environments()).containsExactly(QA, PERF, PROD_EU, PROD_US);
        assertThat(catalog.order(QA)).isZero();
        assertThat(catalog.order(PROD_US)).isEqualTo(3);
        assertThat(catalog.order(Environment.PRODUCTION)).isEqualTo(-1);
        assertThat(catalog.inTier(Tier.PRODUCTION)).containsExactly(PROD_EU, PROD_US);
        assertThat(catalog.inTier(Tier.STAGING)).containsExactly(PERF);
        assertThat(catalog.tier(Environment.PRODUCTION)).isEmpty();
        assertThat(catalog.contains(PERF)).isTrue();
        assertThat(catalog.contains(Environment.STAGING)).isFalse();
        assertThat(catalog.require("prod-eu")).isEqualTo(PROD_EU);
        assertThatThrownBy(() -> catalog.require("production"))
                .hasMessage("must be one of qa, perf, prod-eu, prod-us, not 'production'");
        // A runbook name may take another tier, and the tier of a runbook name may be left out.
        assertThat(
                        EnvironmentCatalog.parse("staging:production,production")
                                .tier(Environment.STAGING))
                .contains(Tier.PRODUCTION);
    }

    @Test
    void aBadSettingIsRefusedWithTheKeyAndTheEntry() {
        assertThatThrownBy(() -> EnvironmentCatalog.parse(" "))
                .hasMessage("stride.environments must list at least one environment");
        assertThatThrownBy(() -> EnvironmentCatalog.parse("qa,production"))
                .hasMessageContaining(
                        "stride.environments: 'qa' needs its tier, as in 'qa:production'");
        assertThatThrownBy(() -> EnvironmentCatalog.parse("qa:prod"))
                .hasMessageContaining("'qa:prod' has tier 'prod'");
        assertThatThrownBy(() -> EnvironmentCatalog.parse("Prod-EU:production"))
                .hasMessageContaining("'Prod-EU:production' is not an environment name");
        assertThatThrownBy(() -> EnvironmentCatalog.parse("staging,,production"))
                .hasMessageContaining("'' is not an environment name");
        assertThatThrownBy(() -> EnvironmentCatalog.parse("staging,staging:production"))
                .hasMessage("stride.environments names 'staging' twice");
    }
}
