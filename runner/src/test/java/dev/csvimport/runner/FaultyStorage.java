package dev.csvimport.runner;

import com.google.cloud.RestorableState;
import com.google.cloud.WriteChannel;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bucket whose object writes fail midway when a test arms it, as a network error or a crash
 * during an upload would. As in Cloud Storage (and unlike the in-memory fake, which lists an object
 * as soon as its writer opens), an object written through a channel appears only when the channel
 * is closed.
 */
final class FaultyStorage {

  /**
   * A write fails once this many more bytes have been written (negative: never); then writes
   * succeed again.
   */
  final AtomicLong bytesBeforeFailure = new AtomicLong(-1);

  final Storage storage;

  FaultyStorage(Storage real) {
    this.storage =
        (Storage)
            Proxy.newProxyInstance(
                Storage.class.getClassLoader(),
                new Class<?>[] {Storage.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("writer")
                      && args.length == 2
                      && args[0] instanceof BlobInfo info) {
                    return new Upload(real, info, (Storage.BlobWriteOption[]) args[1]);
                  }
                  return invoke(real, method, args);
                });
  }

  private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /**
   * An upload: bytes are kept until close, which creates the object, as finalizing a resumable
   * upload does.
   */
  private final class Upload implements WriteChannel {
    private final Storage real;
    private final BlobInfo info;
    private final boolean mustNotExist;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private boolean open = true;

    Upload(Storage real, BlobInfo info, Storage.BlobWriteOption[] options) {
      this.real = real;
      this.info = info;
      this.mustNotExist = Arrays.asList(options).contains(Storage.BlobWriteOption.doesNotExist());
    }

    @Override
    public int write(ByteBuffer source) throws IOException {
      long left = bytesBeforeFailure.get();
      if (left >= 0 && source.remaining() > left) {
        bytesBeforeFailure.set(-1);
        throw new IOException("injected: the upload failed midway");
      }
      if (left >= 0) {
        bytesBeforeFailure.addAndGet(-source.remaining());
      }
      int count = source.remaining();
      byte[] chunk = new byte[count];
      source.get(chunk);
      bytes.write(chunk);
      return count;
    }

    @Override
    public boolean isOpen() {
      return open;
    }

    @Override
    public void close() throws IOException {
      if (!open) {
        return;
      }
      open = false;
      if (mustNotExist && real.get(info.getBlobId()) != null) {
        throw new IOException("precondition failed: " + info.getName() + " exists");
      }
      real.create(info, bytes.toByteArray());
    }

    @Override
    public void setChunkSize(int chunkSize) {}

    @Override
    public RestorableState<WriteChannel> capture() {
      throw new UnsupportedOperationException("not needed by these tests");
    }
  }
}
