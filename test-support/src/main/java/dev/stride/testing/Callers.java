package dev.stride.testing;

import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;
import io.restassured.config.HeaderConfig;

/** Who a test's requests come from by default; a request's own Authorization header replaces it. */
public final class Callers {

    private Callers() {}

    /** Every request without its own Authorization header carries a token for {@code caller} with {@code roles}. */
    public static void actAs(String caller, String... roles) {
        RestAssured.config =
                RestAssured.config()
                        .headerConfig(
                                HeaderConfig.headerConfig()
                                        .overwriteHeadersWithName("Authorization"));
        RestAssured.requestSpecification =
                new RequestSpecBuilder()
                        .addHeader("Authorization", TestTokens.bearer(caller, roles))
                        .build();
    }

    /** Requests carry no token unless they add one. */
    public static void anonymous() {
        RestAssured.requestSpecification = null;
    }
}
