# Called by `sam build` (BuildMethod: makefile). Builds one function module with Maven and lays
# it out as a Lambda Java zip: every jar under lib/ (the handler's module jar included).
MVN ?= mvn
JAVA_HOME ?= $(shell ./tollgate java-home)

define build_function
	JAVA_HOME="$(JAVA_HOME)" $(MVN) -q -B -P lambda -pl functions/$(1) -am package -DskipTests
	mkdir -p "$(ARTIFACTS_DIR)/lib"
	cp functions/$(1)/target/lambda/lib/*.jar "$(ARTIFACTS_DIR)/lib/"
	cp functions/$(1)/target/tollgate-$(1)-*.jar "$(ARTIFACTS_DIR)/lib/"
endef

build-LoginFunction:
	$(call build_function,login)

build-TokenRefreshFunction:
	$(call build_function,token-refresh)

build-JwksFunction:
	$(call build_function,jwks)

build-KeyRotationFunction:
	$(call build_function,key-rotation)

build-AccountFunction:
	$(call build_function,account)

build-AuthorizerFunction:
	$(call build_function,authorizer)

build-MfaVerifyFunction:
	$(call build_function,mfa-verify)

build-WebAuthnFunction:
	$(call build_function,webauthn)

build-AuditIngestFunction:
	$(call build_function,audit-ingest)

build-AuditSubmitFunction:
	$(call build_function,audit-ingest)

build-AuditDigestFunction:
	$(call build_function,audit-ingest)

build-AuditQueryFunction:
	$(call build_function,audit-query)

build-AuditVerificationWorkerFunction:
	$(call build_function,audit-query)

build-AdminFunction:
	$(call build_function,admin)

build-RetentionFunction:
	$(call build_function,retention)

build-RetentionAdminFunction:
	$(call build_function,retention)

build-AnomalyDetectionFunction:
	$(call build_function,anomaly-detection)

build-AlertDigestFunction:
	$(call build_function,alert-digest)

build-SiemTrailFunction:
	$(call build_function,alert-digest)
build-AnomalySweepFunction:
	$(call build_function,anomaly-detection)

build-PrivacyFunction:
	$(call build_function,privacy)

build-FirstSuperAdminFunction:
	$(call build_function,admin)

build-IncidentDeadlineFunction:
	$(call build_function,admin)
