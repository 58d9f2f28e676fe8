/**
 * The AWS provider version every stack pins (`required_providers.aws.version`). The cdktf
 * bindings (`@cdktf/provider-aws` 21.x) are generated from provider 6, but the stack uses only
 * what provider 5.100 also has, and 5.100 is what the build machines mirror offline
 * (`/opt/tf-plugins`) and what CI validates, plans and applies against moto. An exact pin, so what
 * is tested is what is deployed. Upgrade path to 6: README "Infrastructure". No cdktf import, so
 * the test harness can read it without loading cdktf.
 */
export const AWS_PROVIDER_VERSION = '5.100.0';
