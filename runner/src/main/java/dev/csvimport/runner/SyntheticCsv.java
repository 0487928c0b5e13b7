package dev.csvimport.runner;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Deterministic synthetic import files, one per action, of any length: the same seed and row count
 * always give the same bytes. Read as a stream, so a file of gigabytes never exists whole.
 */
final class SyntheticCsv extends InputStream {

  enum Kind {
    USERS(
        "userId,email,Plan,Age<int>,Score<float>,Signup<dd/MM/yyyy"
            + " HH:mm:ss>,userAttributeValuesToAdd.Tags,userAttributeValuesToIncrement.Logins"),
    EVENTS("userId,event,time,value,currencyCode,params.sku,params.quantity<int>"),
    DEVICES("deviceId,userId,appVersion,systemName,systemVersion,deviceModel,iosPushToken,locale");

    final String header;

    Kind(String header) {
      this.header = header;
    }

    String action() {
      switch (this) {
        case EVENTS:
          return "track";
        case DEVICES:
          return "setDeviceAttributes";
        default:
          return "setUserAttributes";
      }
    }
  }

  private static final String[] PLANS = {"free", "silver", "gold", "platinum"};
  private static final String[] EVENTS = {"Purchase", "App open", "Add to cart", "Search"};

  private final Kind kind;
  private final long rows;
  private final int users;
  private final Random random;
  private long row = -1;
  private byte[] line = new byte[0];
  private int position;

  SyntheticCsv(Kind kind, long rows, long seed) {
    this.kind = kind;
    this.rows = rows;
    this.users = (int) Math.max(1, Math.min(rows / 5, 2_000_000));
    this.random = new Random(seed);
  }

  /** Fewer bytes than a row takes, so that a file sized with it is at least the size asked for. */
  static long bytesPerRow(Kind kind) {
    return kind == Kind.USERS ? 75 : 60;
  }

  private String nextLine() {
    if (row < 0) {
      return kind.header + "\n";
    }
    int user = random.nextInt(users);
    switch (kind) {
      case USERS:
        return "user-"
            + user
            + ",user"
            + user
            + "@example.com,"
            + PLANS[random.nextInt(4)]
            + ","
            + (18 + random.nextInt(60))
            + ","
            + random.nextInt(1000) / 10.0
            + ","
            + twoDigits(1 + random.nextInt(28))
            + "/0"
            + (1 + random.nextInt(9))
            + "/20"
            + (10 + random.nextInt(15))
            + " 12:30:00,tag-"
            + random.nextInt(20)
            + ","
            + (1 + random.nextInt(3))
            + "\n";
      case EVENTS:
        return "user-"
            + user
            + ","
            + EVENTS[random.nextInt(4)]
            + ","
            + (1_790_000_000 + random.nextInt(3_000_000))
            + ","
            + random.nextInt(10_000) / 100.0
            + ",USD,SKU-"
            + random.nextInt(500)
            + ","
            + (1 + random.nextInt(5))
            + "\n";
      default:
        return "device-"
            + row
            + ",user-"
            + user
            + ",5."
            + random.nextInt(10)
            + ".0,iOS,17."
            + random.nextInt(5)
            + ",iPhone15,token"
            + Long.toHexString(random.nextLong())
            + ",en_US\n";
    }
  }

  /** A day as the column's dd format writes it (an unpadded day is a failed row, not a date). */
  private static String twoDigits(int day) {
    return day < 10 ? "0" + day : Integer.toString(day);
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) {
    if (length == 0) {
      return 0;
    }
    int written = 0;
    while (written < length) {
      if (position == line.length) {
        if (row >= rows) {
          break;
        }
        line = nextLine().getBytes(StandardCharsets.UTF_8);
        position = 0;
        row++;
      }
      int n = Math.min(length - written, line.length - position);
      System.arraycopy(line, position, buffer, offset + written, n);
      position += n;
      written += n;
    }
    return written == 0 ? -1 : written;
  }
}
