/**
 * Every policy of the pack, in one list. Importing this file constructs no PolicyPack, so
 * tests, the offline check and the docs generator can use it; policies/index.ts builds the
 * pack from it.
 */
import { appImageDockerfileIsHardened } from "./docker/appImageDockerfileIsHardened";
import { containerDropsAllCapabilities } from "./docker/containerDropsAllCapabilities";
import { containerHasHealthcheck } from "./docker/containerHasHealthcheck";
import { containerHasResourceLimits } from "./docker/containerHasResourceLimits";
import { containerIsNotPrivileged } from "./docker/containerIsNotPrivileged";
import { containerMountsNoDockerSocket } from "./docker/containerMountsNoDockerSocket";
import { containerMountsNoSensitiveHostPath } from "./docker/containerMountsNoSensitiveHostPath";
import { containerPublishesPortsOnExplicitAddress } from "./docker/containerPublishesPortsOnExplicitAddress";
import { containerRestartIsBounded } from "./docker/containerRestartIsBounded";
import { containerRootFilesystemIsReadOnly } from "./docker/containerRootFilesystemIsReadOnly";
import { fileSeedNeverStarts } from "./docker/fileSeedNeverStarts";
import { containerRunsAsNonRoot } from "./docker/containerRunsAsNonRoot";
import { containerSetsNoNewPrivileges } from "./docker/containerSetsNoNewPrivileges";
import { containerSharesNoHostNamespace } from "./docker/containerSharesNoHostNamespace";
import { networkDeclaresItsSubnet } from "./docker/networkDeclaresItsSubnet";
import { volumeBindsNoHostPath } from "./docker/volumeBindsNoHostPath";
import { nginxCiphersAreAeadOnly } from "./proxy/nginxCiphersAreAeadOnly";
import { nginxLimitsRequestRate } from "./proxy/nginxLimitsRequestRate";
import { nginxSendsNoDeprecatedHeaders } from "./proxy/nginxSendsNoDeprecatedHeaders";
import { nginxSendsSecurityHeadersAlways } from "./proxy/nginxSendsSecurityHeadersAlways";
import { nginxTlsFloorIsTls12 } from "./proxy/nginxTlsFloorIsTls12";
import { postgresAppRoleIsUnprivileged } from "./postgres/postgresAppRoleIsUnprivileged";
import { postgresClientAuthIsScramOverTls } from "./postgres/postgresClientAuthIsScramOverTls";
import { postgresProviderVerifiesServer } from "./postgres/postgresProviderVerifiesServer";
import { postgresRequiresTls } from "./postgres/postgresRequiresTls";
import { vaultApproleCredentialsAreShortLived } from "./vault/vaultApproleCredentialsAreShortLived";
import { vaultClientsUseHttps } from "./vault/vaultClientsUseHttps";
import { vaultAuditDeviceExists } from "./vault/vaultAuditDeviceExists";
import { vaultAuditLogsNoRawValues } from "./vault/vaultAuditLogsNoRawValues";
import { vaultKvMountIsVersion2 } from "./vault/vaultKvMountIsVersion2";
import { vaultListenerUsesTls } from "./vault/vaultListenerUsesTls";
import { vaultPolicyGrantsLeastPrivilege } from "./vault/vaultPolicyGrantsLeastPrivilege";
import { vaultServerIsNotInDevMode } from "./vault/vaultServerIsNotInDevMode";
import { vaultTransitKeyStaysInside } from "./vault/vaultTransitKeyStaysInside";
import { firewallDeniesByDefault } from "./firewall/firewallDeniesByDefault";
import { firewallFiltersDockerTraffic } from "./firewall/firewallFiltersDockerTraffic";
import { firewallOpensNoInternalServicePort } from "./firewall/firewallOpensNoInternalServicePort";
import { commandHidesSecretOutput } from "./stack/commandHidesSecretOutput";
import { containerExposesNoPrivateKey } from "./stack/containerExposesNoPrivateKey";
import { containerSecretsArriveAsFiles } from "./stack/containerSecretsArriveAsFiles";
import { dataTierSitsOnInternalNetworks } from "./stack/dataTierSitsOnInternalNetworks";
import { imagesArePinnedByDigest } from "./stack/imagesArePinnedByDigest";
import { onlyTheEdgePublishesPublicly } from "./stack/onlyTheEdgePublishesPublicly";
import { policyExemptionsAreValid } from "./stack/policyExemptionsAreValid";
import { publishedPortsAreCoveredByFirewall } from "./stack/publishedPortsAreCoveredByFirewall";
import { resourceUsesExplicitProvider } from "./stack/resourceUsesExplicitProvider";
import { tlsMaterialReachesServices } from "./stack/tlsMaterialReachesServices";
import { HardenedPolicy } from "./lib/policy";

/** The policies, grouped by domain. */
export const POLICIES: HardenedPolicy[] = [
    appImageDockerfileIsHardened,
    containerDropsAllCapabilities,
    containerHasHealthcheck,
    containerHasResourceLimits,
    containerIsNotPrivileged,
    containerMountsNoDockerSocket,
    containerMountsNoSensitiveHostPath,
    containerPublishesPortsOnExplicitAddress,
    containerRestartIsBounded,
    containerRootFilesystemIsReadOnly,
    fileSeedNeverStarts,
    containerRunsAsNonRoot,
    containerSetsNoNewPrivileges,
    containerSharesNoHostNamespace,
    networkDeclaresItsSubnet,
    volumeBindsNoHostPath,
    nginxCiphersAreAeadOnly,
    nginxLimitsRequestRate,
    nginxSendsNoDeprecatedHeaders,
    nginxSendsSecurityHeadersAlways,
    nginxTlsFloorIsTls12,
    postgresAppRoleIsUnprivileged,
    postgresClientAuthIsScramOverTls,
    postgresProviderVerifiesServer,
    postgresRequiresTls,
    vaultApproleCredentialsAreShortLived,
    vaultClientsUseHttps,
    vaultAuditDeviceExists,
    vaultAuditLogsNoRawValues,
    vaultKvMountIsVersion2,
    vaultListenerUsesTls,
    vaultPolicyGrantsLeastPrivilege,
    vaultServerIsNotInDevMode,
    vaultTransitKeyStaysInside,
    firewallDeniesByDefault,
    firewallFiltersDockerTraffic,
    firewallOpensNoInternalServicePort,
    commandHidesSecretOutput,
    containerExposesNoPrivateKey,
    containerSecretsArriveAsFiles,
    dataTierSitsOnInternalNetworks,
    imagesArePinnedByDigest,
    onlyTheEdgePublishesPublicly,
    policyExemptionsAreValid,
    publishedPortsAreCoveredByFirewall,
    resourceUsesExplicitProvider,
    tlsMaterialReachesServices,
];
