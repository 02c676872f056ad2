package com.reliableedge.cloud.queue;

import io.quarkus.runtime.annotations.RegisterForProxy;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What the Azure Storage Queue SDK reaches by reflection, registered for a native image: azure-core's RestProxy
 * makes a dynamic proxy of each generated service interface and reads its annotations, builds the typed response
 * headers reflectively, and calls the XML models' {@code fromXml}/{@code toXml}. (azure-core and its netty client
 * bring their own native-image configuration.)
 */
@RegisterForProxy(targets = {com.azure.storage.queue.implementation.QueuesImpl.QueuesService.class,
        com.azure.storage.queue.implementation.MessagesImpl.MessagesService.class,
        com.azure.storage.queue.implementation.MessageIdsImpl.MessageIdsService.class,
        com.azure.storage.queue.implementation.ServicesImpl.ServicesService.class})
@RegisterForReflection(targets = {com.azure.storage.queue.implementation.QueuesImpl.QueuesService.class,
        com.azure.storage.queue.implementation.MessagesImpl.MessagesService.class,
        com.azure.storage.queue.implementation.MessageIdsImpl.MessageIdsService.class,
        com.azure.storage.queue.implementation.ServicesImpl.ServicesService.class,
        com.azure.storage.queue.models.QueueMessageItem.class, com.azure.storage.queue.models.PeekedMessageItem.class,
        com.azure.storage.queue.models.SendMessageResult.class,
        com.azure.storage.queue.models.QueueStorageException.class,
        com.azure.storage.queue.models.QueueErrorCode.class}, classNames = {
                "com.azure.storage.queue.implementation.models.ListQueuesSegmentResponse",
                "com.azure.storage.queue.implementation.models.MessageIdsDeleteHeaders",
                "com.azure.storage.queue.implementation.models.MessageIdsUpdateHeaders",
                "com.azure.storage.queue.implementation.models.MessagesClearHeaders",
                "com.azure.storage.queue.implementation.models.MessagesDequeueHeaders",
                "com.azure.storage.queue.implementation.models.MessagesEnqueueHeaders",
                "com.azure.storage.queue.implementation.models.MessagesPeekHeaders",
                "com.azure.storage.queue.implementation.models.PeekedMessageItemInternal",
                "com.azure.storage.queue.implementation.models.PeekedMessageItemInternalWrapper",
                "com.azure.storage.queue.implementation.models.QueueMessageItemInternal",
                "com.azure.storage.queue.implementation.models.QueueMessageItemInternalWrapper",
                "com.azure.storage.queue.implementation.models.QueueSignedIdentifierWrapper",
                "com.azure.storage.queue.implementation.models.QueueStorageError",
                "com.azure.storage.queue.implementation.models.QueueStorageExceptionInternal",
                "com.azure.storage.queue.implementation.models.QueuesCreateHeaders",
                "com.azure.storage.queue.implementation.models.QueuesDeleteHeaders",
                "com.azure.storage.queue.implementation.models.QueuesGetAccessPolicyHeaders",
                "com.azure.storage.queue.implementation.models.QueuesGetPropertiesHeaders",
                "com.azure.storage.queue.implementation.models.QueuesSetAccessPolicyHeaders",
                "com.azure.storage.queue.implementation.models.QueuesSetMetadataHeaders",
                "com.azure.storage.queue.implementation.models.SendMessageResultWrapper",
                "com.azure.storage.queue.implementation.models.ServicesGetPropertiesHeaders",
                "com.azure.storage.queue.implementation.models.ServicesGetStatisticsHeaders",
                "com.azure.storage.queue.implementation.models.ServicesGetUserDelegationKeyHeaders",
                "com.azure.storage.queue.implementation.models.ServicesListQueuesSegmentHeaders",
                "com.azure.storage.queue.implementation.models.ServicesListQueuesSegmentNextHeaders",
                "com.azure.storage.queue.implementation.models.ServicesSetPropertiesHeaders",
                "com.azure.storage.queue.implementation.models.StorageError",
                "com.azure.storage.queue.implementation.models.StorageErrorException"
        })
final class AzureQueueReflection {

    private AzureQueueReflection() {
    }
}
