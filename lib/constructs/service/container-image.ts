import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { Construct } from 'constructs';

const ECR_URI = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\/([a-z0-9._\/-]+?)(?::([\w][\w.-]{0,127})|@(sha256:[a-f0-9]{64}))$/;

/**
 * A container image from a registry reference in config (there is no local Docker build).
 * ECR URIs become an imported repository, so the execution role gets pull permissions on that
 * repository only; anything else (public ECR, Docker Hub) is pulled as is.
 */
export function containerImageFromReference(scope: Construct, id: string, reference: string): ecs.ContainerImage {
  const m = ECR_URI.exec(reference);
  if (!m) return ecs.ContainerImage.fromRegistry(reference);
  const [, account, region, cn, name, tag, digest] = m;
  const partition = cn ? 'aws-cn' : 'aws';
  const repository = ecr.Repository.fromRepositoryAttributes(scope, id, {
    repositoryName: name,
    repositoryArn: `arn:${partition}:ecr:${region}:${account}:repository/${name}`,
  });
  return ecs.ContainerImage.fromEcrRepository(repository, tag ?? digest);
}
