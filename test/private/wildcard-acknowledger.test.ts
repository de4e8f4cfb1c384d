import { renderReference } from '../../src/private/wildcard-acknowledger';

describe('renderReference', () => {
  test('renders references the way cdk-nag names them', () => {
    expect(renderReference('arn:aws:s3:::b/*')).toBe('arn:aws:s3:::b/*');
    expect(renderReference({ Ref: 'Bucket' })).toBe('<Bucket>');
    expect(renderReference({ 'Fn::GetAtt': ['Bucket', 'Arn'] })).toBe('<Bucket.Arn>');
    expect(renderReference({ 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Bucket', 'Arn'] }, '/exports/*']] })).toBe('<Bucket.Arn>/exports/*');
    expect(renderReference({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':glue:r:a:table/db/t_*']] }))
      .toBe('arn:<AWS::Partition>:glue:r:a:table/db/t_*');
    expect(renderReference({ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::x/*' })).toBe('arn:<AWS::Partition>:s3:::x/*');
  });
});
