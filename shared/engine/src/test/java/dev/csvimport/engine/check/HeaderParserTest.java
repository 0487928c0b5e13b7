package dev.csvimport.engine.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.csvimport.engine.operation.Action;
import dev.csvimport.engine.read.FileFailure;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeaderParserTest {

  private static ColumnRole roleOf(String column, List<String> header, Action defaultAction)
      throws FileFailure {
    return HeaderParser.parse(header, defaultAction).columns().get(header.indexOf(column)).role();
  }

  @Test
  void aBareColumnIsAUserAttributeWhenOnlyUserRowsCanReadIt() throws FileFailure {
    List<String> header = List.of("userId", "locale", "event", "created");
    assertEquals(ColumnRole.USER_ATTRIBUTE, roleOf("locale", header, Action.SET_USER_ATTRIBUTES));
    assertEquals(ColumnRole.USER_ATTRIBUTE, roleOf("event", header, Action.SET_USER_ATTRIBUTES));
    assertEquals(ColumnRole.CREATED, roleOf("created", header, Action.SET_USER_ATTRIBUTES));
  }

  @Test
  void anActionColumnReservesTheArgumentsOfEveryAction() throws FileFailure {
    List<String> header = List.of("action", "userId", "deviceId", "locale", "event", "Plan");
    assertEquals(ColumnRole.DEVICE_ATTRIBUTE, roleOf("locale", header, null));
    assertEquals(ColumnRole.EVENT, roleOf("event", header, null));
    assertEquals(ColumnRole.DEVICE_ID, roleOf("deviceId", header, null));
    assertEquals(ColumnRole.USER_ATTRIBUTE, roleOf("Plan", header, null));
  }

  @Test
  void typesApplyToAttributesAndParameters() throws FileFailure {
    Header header =
        HeaderParser.parse(
            List.of(
                "userId",
                "Age<int>",
                "userAttributes.Born<dd/MM/yyyy HH:mm:ss>",
                "Phone",
                "EMAIL",
                "Notes<string>"),
            Action.SET_USER_ATTRIBUTES);
    assertEquals(ValueType.INT, header.columns().get(1).type());
    assertEquals("Age", header.columns().get(1).name());
    assertEquals("dd/MM/yyyy HH:mm:ss", header.columns().get(2).type().declaration());
    assertEquals(ValueType.PHONE, header.columns().get(3).type());
    assertEquals(ValueType.EMAIL, header.columns().get(4).type());
    assertEquals(ValueType.STRING, header.columns().get(5).type());
  }

  @Test
  void eventNamesMayHoldDots() throws FileFailure {
    Column column =
        HeaderParser.parse(
                List.of("userId", "events.v1.Purchase.lastTime"), Action.SET_USER_ATTRIBUTES)
            .columns()
            .get(1);
    assertEquals("v1.Purchase", column.name());
    assertEquals("lastTime", column.eventField());
  }

  @Test
  void headerNamesAreTrimmed() throws FileFailure {
    assertEquals(
        ColumnRole.USER_KEY,
        roleOf(" userId ", List.of(" userId ", "Plan"), Action.SET_USER_ATTRIBUTES));
  }

  @Test
  void aDeviceFileMayOmitTheUserKey() throws FileFailure {
    HeaderParser.parse(List.of("deviceId", "locale"), Action.SET_DEVICE_ATTRIBUTES);
    assertThrows(FileFailure.class, () -> HeaderParser.parse(List.of("deviceId"), Action.TRACK));
  }
}
